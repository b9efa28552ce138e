using ComponentSdk.Xml;

namespace ComponentSdk;

/// <summary>The values in effect where an option is left unset: the defaults of the connection type.</summary>
internal static class EffectiveOptions
{
    /// <summary>The stream's <c>version</c>: 0.9 for Accept (PCJ's), 1.0 otherwise (Legacy too: STARTTLS, then iq:auth).</summary>
    public static string StreamVersion(this ConnectionOptions options) =>
        options.Version ?? (options.ConnectionType == ConnectionType.Accept ? "0.9" : "1.0");

    /// <summary>The stream's default namespace.</summary>
    public static string StreamNamespace(this ConnectionOptions options) => options.Xmlns ?? options.ConnectionType switch
    {
        ConnectionType.Accept => Namespaces.ComponentAccept,
        ConnectionType.Jabberd2 => Namespaces.Jabberd2Component,
        _ => Namespaces.Client,
    };

    /// <summary>The namespace of the <c>stream:</c> prefix.</summary>
    public static string StreamPrefixNamespace(this ConnectionOptions options) => options.StreamXmlns ?? Namespaces.Streams;

    /// <summary>The TLS policy: Required (STARTTLS) except for Accept, which has no STARTTLS and is in clear unless Direct.</summary>
    public static TlsPolicy TlsMode(this ConnectionOptions options) =>
        options.Tls.Mode ?? (options.ConnectionType == ConnectionType.Accept ? TlsPolicy.Disabled : TlsPolicy.Required);

    /// <summary>The name the server's certificate is checked against.</summary>
    public static string TlsServerName(this ConnectionOptions options) =>
        string.IsNullOrEmpty(options.Tls.ServerName) ? options.Hostname : options.Tls.ServerName;

    /// <summary>The names a jabberd2 component binds.</summary>
    public static IReadOnlyList<string> BindNames(this ConnectionOptions options) => options.Jabberd2.NamesFor(options.Login.Username, options.Hostname);
}
