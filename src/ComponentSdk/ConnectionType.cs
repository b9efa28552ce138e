namespace ComponentSdk;

/// <summary>
/// The dialect a connection speaks. The values are POE::Component::Jabber's constants, and its names are accepted
/// too (from configuration, case-insensitively): <c>XMPP</c>, <c>LEGACY</c>, <c>JABBERD14_COMPONENT</c>,
/// <c>JABBERD20_COMPONENT</c>.
/// </summary>
#pragma warning disable CA1069 // the PCJ names are deliberate aliases
public enum ConnectionType
{
    /// <summary>XEP-0114 external component (<c>jabber:component:accept</c>), a router-level connection.</summary>
    Accept = 0,

    /// <summary>PCJ's name for <see cref="Accept"/>.</summary>
    JABBERD14_COMPONENT = 0,

    /// <summary>Client login with <c>jabber:iq:auth</c> (XEP-0078), for servers from before XMPP 1.0.</summary>
    Legacy = 1,

    /// <summary>PCJ's name for <see cref="Legacy"/>.</summary>
    LEGACY = 1,

    /// <summary>The jabberd2 router component protocol: SASL to the router, then bind a domain.</summary>
    Jabberd2 = 2,

    /// <summary>PCJ's name for <see cref="Jabberd2"/>.</summary>
    JABBERD20_COMPONENT = 2,

    /// <summary>XMPP 1.0 client: STARTTLS, SASL, resource binding, session (RFC 6120).</summary>
    Client = 4,

    /// <summary>PCJ's name for <see cref="Client"/>.</summary>
    XMPP = 4,
}
#pragma warning restore CA1069
