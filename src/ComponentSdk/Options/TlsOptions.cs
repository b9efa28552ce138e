using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace ComponentSdk;

/// <summary>TLS (configuration section <c>Component:Tls</c>): when it is used, and which certificates are trusted.</summary>
public sealed class TlsOptions
{
    /// <summary>
    /// How TLS is used. By default <see cref="TlsPolicy.Required"/> (STARTTLS) for Client, Legacy and Jabberd2, and none
    /// for Accept: XEP-0114 has no STARTTLS, so an Accept connection is either in clear on a trusted network, or
    /// <see cref="TlsPolicy.Direct"/> to a component port that speaks TLS (ejabberd's <c>tls: true</c>); Required and
    /// Optional are refused for it.
    /// </summary>
    public TlsPolicy? Mode { get; set; }

    /// <summary>The name the server's certificate must carry; defaults to the connection's <c>Hostname</c>.</summary>
    public string? ServerName { get; set; }

    /// <summary>
    /// A PEM or DER file with the server's certificate (pinned) or the CA that issued it, trusted in addition to the
    /// system's store. The name must still match.
    /// </summary>
    public string? TrustedCertificatePath { get; set; }

    /// <summary>
    /// Accept any server certificate. For tests against self-signed servers only: it gives up the protection TLS is
    /// for. Prefer <see cref="TrustedCertificatePath"/>.
    /// </summary>
    public bool AllowUntrustedCertificates { get; set; }

    /// <summary>A PKCS#12 file with a client certificate and its key, presented when the server asks for one.</summary>
    public string? ClientCertificatePath { get; set; }

    /// <summary>The password of <see cref="ClientCertificatePath"/>. Never logged.</summary>
    public string? ClientCertificatePassword { get; set; }

    /// <summary>
    /// Decides about the server's certificate instead of the built-in checks (set in code; not bindable). Receives the
    /// certificate, the chain and the errors the system found; returns whether to trust it.
    /// </summary>
    public Func<X509Certificate2, X509Chain?, SslPolicyErrors, bool>? CertificateValidation { get; set; }

    /// <summary>
    /// The TLS versions offered: TLS 1.2 and 1.3 by default (<c>Tls12, Tls13</c>). Channel binding with
    /// <c>tls-unique</c> (SCRAM -PLUS without XEP-0440) exists only under TLS 1.2 (RFC 9266).
    /// </summary>
    public SslProtocols Protocols { get; set; } = SslProtocols.Tls12 | SslProtocols.Tls13;

    internal TlsOptions Clone() => (TlsOptions)MemberwiseClone();

    internal void AddFailures(ConnectionType type, List<string> failures)
    {
        if (Mode is { } mode && !Enum.IsDefined(mode)) failures.Add("Tls:Mode must be Required, Optional, Disabled or Direct.");
        if (type == ConnectionType.Accept && Mode is TlsPolicy.Required or TlsPolicy.Optional)
        {
            failures.Add($"Tls:Mode {Mode} needs STARTTLS, which XEP-0114 (ConnectionType Accept) does not have: the handshake and all traffic " +
                         "would go in clear. Use Direct for a component port that speaks TLS (ejabberd: tls: true), or leave Tls:Mode unset.");
        }
        const SslProtocols Supported = SslProtocols.Tls12 | SslProtocols.Tls13;
        if (Protocols == SslProtocols.None || (Protocols & ~Supported) != 0) failures.Add("Tls:Protocols must be Tls12, Tls13 or both.");
        if (TrustedCertificatePath is { Length: > 0 } trusted && !File.Exists(trusted)) failures.Add($"Tls:TrustedCertificatePath '{trusted}' does not exist.");
        if (ClientCertificatePath is { Length: > 0 } client && !File.Exists(client)) failures.Add($"Tls:ClientCertificatePath '{client}' does not exist.");
    }
}
