using System.Security.Cryptography;

namespace ComponentSdk.Sasl;

/// <summary>Chooses the SASL mechanism for a connection: the application's preference, what the server offers, and what the connection allows.</summary>
internal static class SaslMechanismFactory
{
    /// <summary>Every mechanism implemented, strongest first; also the default preference.</summary>
    public static IReadOnlyList<string> Supported => LoginOptions.SupportedSaslMechanisms;

    /// <summary>Binding types this client can use, most preferred first (tls-exporter needs a TLS API .NET does not offer).</summary>
    private static readonly string[] BindingPreference = ["tls-server-end-point", "tls-unique"];

    /// <summary>
    /// The mechanism to use, or null with <paramref name="reason"/> saying why none fits. PLAIN needs TLS unless
    /// plaintext is allowed; -PLUS needs a binding type both sides support (XEP-0440's list when the server gives one,
    /// otherwise tls-unique, the RFC 5802 default).
    /// </summary>
    public static ISaslMechanism? Choose(IReadOnlyCollection<string> offered, SaslCredentials credentials, out string reason)
    {
        IEnumerable<string> preference = credentials.Preference is { Count: > 0 } p ? p : Supported;
        bool serverOffersPlus = offered.Any(m => m.EndsWith("-PLUS", StringComparison.Ordinal));
        var skipped = new List<string>();
        foreach (string name in preference)
        {
            if (!offered.Contains(name)) continue;
            switch (name)
            {
                case "PLAIN" when !credentials.TlsActive && !credentials.AllowPlaintextWithoutTls:
                    skipped.Add("PLAIN (the connection is not encrypted; set AllowPlaintextWithoutTls to allow it)");
                    continue;
                case "PLAIN":
                    reason = "";
                    return new PlainMechanism(credentials.Username, credentials.Password);
                case "DIGEST-MD5":
                    reason = "";
                    return new DigestMd5Mechanism(credentials.Username, credentials.Password, credentials.Host);
            }

            HashAlgorithmName hash = name.StartsWith("SCRAM-SHA-512", StringComparison.Ordinal) ? HashAlgorithmName.SHA512
                : name.StartsWith("SCRAM-SHA-256", StringComparison.Ordinal) ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA1;
            ChannelBinding? binding = null;
            if (name.EndsWith("-PLUS", StringComparison.Ordinal))
            {
                binding = PickBinding(credentials);
                if (binding is null)
                {
                    skipped.Add(name + " (no channel binding type in common)");
                    continue;
                }
            }
            reason = "";
            return new ScramMechanism(hash, credentials.Username, credentials.Password, binding, credentials.Bindings.Count > 0, serverOffersPlus);
        }
        reason = $"none of the server's mechanisms ({string.Join(", ", offered)}) is usable"
                 + (skipped.Count > 0 ? ": " + string.Join("; ", skipped) : $" (accepted: {string.Join(", ", preference)})");
        return null;
    }

    private static ChannelBinding? PickBinding(SaslCredentials credentials)
    {
        IEnumerable<string> candidates = credentials.ServerBindingTypes is { } advertised
            ? BindingPreference.Where(advertised.Contains)
            : ["tls-unique"];
        foreach (string type in candidates)
        {
            if (credentials.Bindings.TryGetValue(type, out byte[]? data)) return new ChannelBinding(type, data);
        }
        return null;
    }
}
