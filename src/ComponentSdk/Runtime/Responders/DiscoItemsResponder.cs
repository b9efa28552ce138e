using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.Runtime.Responders;

/// <summary>
/// XEP-0030 disco#items: the items the component lists for the request (none by default), echoing its node; a
/// registered node lists its own (or is <c>item-not-found</c> to a requester who may not see it).
/// </summary>
internal sealed class DiscoItemsResponder(Func<XElement, IEnumerable<(string Jid, string? Node, string? Name)>> items, DiscoNodes nodes)
{
    private static readonly XNamespace DiscoItems = "http://jabber.org/protocol/disco#items";

    public static readonly XName Payload = DiscoItems + "query";

    public ValueTask<XElement?> AnswerAsync(XElement iq, CancellationToken cancellationToken)
    {
        string? node = iq.Elements().First().Attribute("node")?.Value;
        var query = new XElement(DiscoItems + "query", node is null ? null : new XAttribute("node", node));
        IEnumerable<(string Jid, string? Node, string? Name)> listed;
        if (node is not null && nodes.TryItems(node, iq, out IEnumerable<DiscoItem>? registered))
        {
            if (registered is null) return ValueTask.FromResult<XElement?>(iq.ErrorFor("item-not-found"));
            listed = registered.Select(i => (i.Jid, i.Node, i.Name));
        }
        else
        {
            listed = items(iq);
        }
        foreach ((string jid, string? itemNode, string? name) in listed)
        {
            query.Add(new XElement(DiscoItems + "item", new XAttribute("jid", jid),
                itemNode is null ? null : new XAttribute("node", itemNode), name is null ? null : new XAttribute("name", name)));
        }
        return ValueTask.FromResult<XElement?>(iq.ResultFor(query));
    }
}
