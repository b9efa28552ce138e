using System.Reflection;
using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.Testing;

/// <summary>
/// What a server answers itself: the requests a component typically makes of its server when it starts
/// (XEP-0030 disco#info and disco#items, XEP-0199 ping, XEP-0092 version), and <c>service-unavailable</c> for a
/// request to an address nobody serves (RFC 6120 §10.3 and §10.4).
/// </summary>
internal static class ServerResponder
{
    private static readonly XNamespace DiscoInfo = "http://jabber.org/protocol/disco#info";
    private static readonly XNamespace DiscoItems = "http://jabber.org/protocol/disco#items";
    private static readonly XNamespace Ping = "urn:xmpp:ping";
    private static readonly XNamespace Version = "jabber:iq:version";

    private static readonly string RouterVersion =
        typeof(ServerResponder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";

    /// <summary>The server's answer to <paramref name="iq"/>, addressed to its own domain; null when the server does not know the query.</summary>
    public static XElement? AnswerForServer(XElement iq, string domain, IEnumerable<string> components)
    {
        if (iq.Type() != "get" || iq.Elements().FirstOrDefault() is not { } query) return null;
        if (query.Name == DiscoInfo + "query" && query.Attribute("node") is null)
        {
            return iq.ResultFor(new XElement(DiscoInfo + "query",
                new XElement(DiscoInfo + "identity", new XAttribute("category", "server"), new XAttribute("type", "im"), new XAttribute("name", "LoopbackRouter")),
                Feature(DiscoInfo.NamespaceName), Feature(DiscoItems.NamespaceName), Feature(Ping.NamespaceName), Feature(Version.NamespaceName)));
        }
        if (query.Name == DiscoItems + "query" && query.Attribute("node") is null)
        {
            return iq.ResultFor(new XElement(DiscoItems + "query",
                components.Order(StringComparer.Ordinal).Select(c => new XElement(DiscoItems + "item", new XAttribute("jid", c)))));
        }
        if (query.Name == Ping + "ping") return iq.ResultFor();
        if (query.Name == Version + "query")
        {
            return iq.ResultFor(new XElement(Version + "query",
                new XElement(Version + "name", "ComponentSdk.Testing.LoopbackRouter"), new XElement(Version + "version", RouterVersion)));
        }
        return null;
    }

    /// <summary>The bounce of a request to an address nobody serves.</summary>
    public static XElement Unavailable(XElement iq) => iq.ErrorFor("service-unavailable");

    private static XElement Feature(string name) => new(DiscoInfo + "feature", new XAttribute("var", name));
}
