namespace ComponentSdk.Xml;

/// <summary>XML namespace URIs used by the XMPP dialects this SDK speaks.</summary>
public static class Namespaces
{
    /// <summary><c>http://etherx.jabber.org/streams</c>: the <c>stream:</c> prefix (RFC 6120 §4.8.1).</summary>
    public const string Streams = "http://etherx.jabber.org/streams";

    /// <summary><c>jabber:client</c>: stanzas on a client stream.</summary>
    public const string Client = "jabber:client";

    /// <summary><c>jabber:server</c>: stanzas on a server-to-server stream.</summary>
    public const string Server = "jabber:server";

    /// <summary><c>jabber:component:accept</c>: stanzas on a XEP-0114 component stream.</summary>
    public const string ComponentAccept = "jabber:component:accept";

    /// <summary>The jabberd2 router component protocol namespace.</summary>
    public const string Jabberd2Component = "http://jabberd.jabberstudio.org/ns/component/1.0";

    /// <summary><c>urn:ietf:params:xml:ns:xmpp-streams</c>: stream error conditions (RFC 6120 §4.9.3).</summary>
    public const string StreamErrors = "urn:ietf:params:xml:ns:xmpp-streams";

    /// <summary><c>urn:ietf:params:xml:ns:xmpp-stanzas</c>: stanza error conditions (RFC 6120 §8.3.3).</summary>
    public const string StanzaErrors = "urn:ietf:params:xml:ns:xmpp-stanzas";

    /// <summary><c>urn:ietf:params:xml:ns:xmpp-tls</c>: STARTTLS (RFC 6120 §5).</summary>
    public const string Tls = "urn:ietf:params:xml:ns:xmpp-tls";

    /// <summary><c>urn:ietf:params:xml:ns:xmpp-sasl</c>: SASL (RFC 6120 §6).</summary>
    public const string Sasl = "urn:ietf:params:xml:ns:xmpp-sasl";

    /// <summary><c>urn:ietf:params:xml:ns:xmpp-bind</c>: resource binding (RFC 6120 §7).</summary>
    public const string Bind = "urn:ietf:params:xml:ns:xmpp-bind";

    /// <summary><c>urn:ietf:params:xml:ns:xmpp-session</c>: session establishment (RFC 3921 §3).</summary>
    public const string Session = "urn:ietf:params:xml:ns:xmpp-session";

    /// <summary><c>jabber:iq:auth</c>: legacy authentication (XEP-0078).</summary>
    public const string IqAuth = "jabber:iq:auth";

    /// <summary><c>http://jabber.org/features/iq-auth</c>: the legacy authentication stream feature.</summary>
    public const string IqAuthFeature = "http://jabber.org/features/iq-auth";

    /// <summary><c>http://www.w3.org/XML/1998/namespace</c>: the <c>xml:</c> prefix.</summary>
    public const string Xml = "http://www.w3.org/XML/1998/namespace";

    /// <summary>XEP-0198 stream management, version 3.</summary>
    public const string StreamManagement = "urn:xmpp:sm:3";

    /// <summary>XEP-0359 unique and stable stanza ids: <c>&lt;origin-id/&gt;</c> and <c>&lt;stanza-id/&gt;</c>.</summary>
    public const string StanzaIds = "urn:xmpp:sid:0";

    /// <summary><c>http://www.w3.org/2000/xmlns/</c>: the <c>xmlns:</c> prefix.</summary>
    public const string Xmlns = "http://www.w3.org/2000/xmlns/";
}
