namespace ComponentSdk;

/// <summary>How a connection uses TLS.</summary>
public enum TlsPolicy
{
    /// <summary>STARTTLS is required: if the server does not offer it the connection fails before any credential is sent. The default.</summary>
    Required,

    /// <summary>STARTTLS when the server offers it; otherwise carry on unencrypted.</summary>
    Optional,

    /// <summary>Never TLS, even when offered.</summary>
    Disabled,

    /// <summary>TLS from the first byte (XEP-0368 style), for servers that listen that way.</summary>
    Direct,
}
