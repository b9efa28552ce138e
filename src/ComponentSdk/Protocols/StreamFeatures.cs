using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.Protocols;

/// <summary>
/// The parsed <c>&lt;stream:features/&gt;</c> (RFC 6120 §4.3.2). Parsed, never compared as text: servers such as
/// Prosody change the order of the children from run to run.
/// </summary>
internal sealed record StreamFeatures
{
    private static readonly XNamespace Tls = Namespaces.Tls;
    private static readonly XNamespace Sasl = Namespaces.Sasl;
    private static readonly XNamespace Bind = Namespaces.Bind;
    private static readonly XNamespace Session = Namespaces.Session;
    private static readonly XNamespace ChannelBinding = "urn:xmpp:sasl-cb:0";

    public static readonly XName ElementName = XName.Get("features", Namespaces.Streams);

    public bool StartTls { get; init; }

    public bool StartTlsRequired { get; init; }

    public IReadOnlyList<string> Mechanisms { get; init; } = [];

    public bool ResourceBinding { get; init; }

    public bool SessionEstablishment { get; init; }

    public bool SessionOptional { get; init; }

    public bool IqAuth { get; init; }

    /// <summary>True when the server offers XEP-0198 stream management (version 3).</summary>
    public bool StreamManagement { get; init; }

    /// <summary>The channel-binding types the server advertises (XEP-0440), or null when it does not say.</summary>
    public IReadOnlyCollection<string>? ChannelBindingTypes { get; init; }

    /// <summary>True when there are no features at all (jabberd2 after SASL).</summary>
    public bool IsEmpty { get; init; }

    public static StreamFeatures Parse(XElement features)
    {
        XElement? startTls = features.Element(Tls + "starttls");
        XElement? session = features.Element(Session + "session");
        XElement? bindings = features.Element(ChannelBinding + "sasl-channel-binding");
        return new StreamFeatures
        {
            StartTls = startTls is not null,
            StartTlsRequired = startTls?.Element(Tls + "required") is not null,
            Mechanisms = features.Element(Sasl + "mechanisms")?.Elements(Sasl + "mechanism").Select(m => m.Value.Trim()).ToList() ?? [],
            ResourceBinding = features.Element(Bind + "bind") is not null,
            SessionEstablishment = session is not null,
            SessionOptional = session?.Element(Session + "optional") is not null,
            IqAuth = features.Element(XName.Get("auth", Namespaces.IqAuthFeature)) is not null,
            StreamManagement = features.Element(XName.Get("sm", Namespaces.StreamManagement)) is not null,
            ChannelBindingTypes = bindings?.Elements(ChannelBinding + "channel-binding").Select(c => (string?)c.Attribute("type")).OfType<string>().ToList(),
            IsEmpty = !features.HasElements,
        };
    }
}
