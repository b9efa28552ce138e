using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace ComponentSdk.Transport;

/// <summary>
/// Decides whether to trust the server's certificate: the system's trust store and the expected name by default;
/// or the application's callback; or, additionally, a pinned certificate or CA from a file; or anything, when the
/// application opted out by name (<see cref="TlsOptions.AllowUntrustedCertificates"/>).
/// </summary>
internal sealed class CertificateValidator(ConnectionOptions options)
{
    private readonly Lazy<X509Certificate2Collection?> trusted = new(() => Load(options.Tls.TrustedCertificatePath));

    /// <summary>Why the last certificate was refused, for the error message.</summary>
    public string? Refusal { get; private set; }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        using X509Certificate2? leaf = certificate is null ? null : new X509Certificate2(certificate);
        if (options.Tls.CertificateValidation is { } custom)
        {
            bool accepted = leaf is not null && custom(leaf, chain, errors);
            if (!accepted) Refusal = "the application's certificate check refused it";
            return accepted;
        }
        if (errors == SslPolicyErrors.None) return true;
        if (options.Tls.AllowUntrustedCertificates) return true;
        if (leaf is not null && errors == SslPolicyErrors.RemoteCertificateChainErrors && trusted.Value is { } anchors && IsTrusted(leaf, anchors)) return true;

        Refusal = errors switch
        {
            SslPolicyErrors.RemoteCertificateNameMismatch => $"it is not issued for '{options.TlsServerName()}'",
            SslPolicyErrors.RemoteCertificateNotAvailable => "the server presented none",
            _ when errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) => $"it is not trusted and not issued for '{options.TlsServerName()}'",
            _ => "it is not trusted (self-signed or an unknown CA)",
        };
        return false;
    }

    /// <summary>The leaf itself is pinned, or it chains to one of the given certificates.</summary>
    private static bool IsTrusted(X509Certificate2 leaf, X509Certificate2Collection anchors)
    {
        foreach (X509Certificate2 anchor in anchors)
        {
            if (anchor.RawData.AsSpan().SequenceEqual(leaf.RawData)) return true;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(anchors);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }

    private static X509Certificate2Collection? Load(string? path)
    {
        if (string.IsNullOrEmpty(path)) return null;
        var certificates = new X509Certificate2Collection();
        string text = File.ReadAllText(path);
        if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)) certificates.ImportFromPemFile(path);
        else certificates.Add(X509CertificateLoader.LoadCertificateFromFile(path));
        return certificates;
    }
}
