using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.Runtime.Responders;

/// <summary>
/// XEP-0030 disco#info: the component's identity and, as features, disco#info itself and every payload namespace an
/// iq handler is registered for. A node it does not know is <c>item-not-found</c>.
/// </summary>
internal sealed class DiscoInfoResponder(Func<(string Category, string Type, string Name)> identity, Func<IEnumerable<string>> features)
{
    private static readonly XNamespace DiscoInfo = "http://jabber.org/protocol/disco#info";

    public static readonly XName Payload = DiscoInfo + "query";

    public ValueTask<XElement?> AnswerAsync(XElement iq, CancellationToken cancellationToken)
    {
        if (iq.Elements().First().Attribute("node") is not null) return ValueTask.FromResult<XElement?>(iq.ErrorFor("item-not-found"));
        (string category, string type, string name) = identity();
        var query = new XElement(DiscoInfo + "query",
            new XElement(DiscoInfo + "identity", new XAttribute("category", category), new XAttribute("type", type), new XAttribute("name", name)));
        foreach (string feature in features().Prepend(DiscoInfo.NamespaceName).Distinct().Order(StringComparer.Ordinal))
        {
            query.Add(new XElement(DiscoInfo + "feature", new XAttribute("var", feature)));
        }
        return ValueTask.FromResult<XElement?>(iq.ResultFor(query));
    }
}
