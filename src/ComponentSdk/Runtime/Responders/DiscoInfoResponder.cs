using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.Runtime.Responders;

/// <summary>
/// XEP-0030 disco#info: the component's identity and, as features, disco#info itself and every payload namespace an
/// iq handler is registered for. A registered node answers for itself; a node it does not know (or one the requester
/// may not see) is <c>item-not-found</c>.
/// </summary>
internal sealed class DiscoInfoResponder(Func<(string Category, string Type, string Name)> identity, Func<IEnumerable<string>> features, DiscoNodes nodes)
{
    private static readonly XNamespace DiscoInfo = "http://jabber.org/protocol/disco#info";

    public static readonly XName Payload = DiscoInfo + "query";

    public ValueTask<XElement?> AnswerAsync(XElement iq, CancellationToken cancellationToken)
    {
        if (iq.Elements().First().Attribute("node")?.Value is { } node) return ValueTask.FromResult<XElement?>(AnswerForNode(iq, node));
        (string category, string type, string name) = identity();
        var query = new XElement(DiscoInfo + "query",
            new XElement(DiscoInfo + "identity", new XAttribute("category", category), new XAttribute("type", type), new XAttribute("name", name)));
        foreach (string feature in features().Prepend(DiscoInfo.NamespaceName).Distinct().Order(StringComparer.Ordinal))
        {
            query.Add(new XElement(DiscoInfo + "feature", new XAttribute("var", feature)));
        }
        return ValueTask.FromResult<XElement?>(iq.ResultFor(query));
    }

    private XElement AnswerForNode(XElement iq, string node)
    {
        if (!nodes.TryInfo(node, iq, out DiscoNodeInfo? info) || info is null) return iq.ErrorFor("item-not-found");
        var query = new XElement(DiscoInfo + "query", new XAttribute("node", node));
        foreach (DiscoIdentity identity in info.Identities)
            query.Add(new XElement(DiscoInfo + "identity", new XAttribute("category", identity.Category), new XAttribute("type", identity.Type),
                identity.Name is null ? null : new XAttribute("name", identity.Name)));
        foreach (string feature in info.Features.Distinct().Order(StringComparer.Ordinal)) query.Add(new XElement(DiscoInfo + "feature", new XAttribute("var", feature)));
        return iq.ResultFor(query);
    }
}
