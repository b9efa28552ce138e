using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.Runtime.Responders;

/// <summary>XEP-0030 disco#items: the items the component lists for the request (none by default), echoing its node.</summary>
internal sealed class DiscoItemsResponder(Func<XElement, IEnumerable<(string Jid, string? Node, string? Name)>> items)
{
    private static readonly XNamespace DiscoItems = "http://jabber.org/protocol/disco#items";

    public static readonly XName Payload = DiscoItems + "query";

    public ValueTask<XElement?> AnswerAsync(XElement iq, CancellationToken cancellationToken)
    {
        string? node = iq.Elements().First().Attribute("node")?.Value;
        var query = new XElement(DiscoItems + "query", node is null ? null : new XAttribute("node", node));
        foreach ((string jid, string? itemNode, string? name) in items(iq))
        {
            query.Add(new XElement(DiscoItems + "item", new XAttribute("jid", jid),
                itemNode is null ? null : new XAttribute("node", itemNode), name is null ? null : new XAttribute("name", name)));
        }
        return ValueTask.FromResult<XElement?>(iq.ResultFor(query));
    }
}
