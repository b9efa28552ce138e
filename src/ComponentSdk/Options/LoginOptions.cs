namespace ComponentSdk;

/// <summary>
/// Logging in as a user or router user (configuration section <c>Component:Login</c>): Client, Legacy and Jabberd2.
/// An Accept component proves itself with <see cref="ConnectionOptions.Password"/> alone.
/// </summary>
public sealed class LoginOptions
{
    /// <summary>The user (Client, Legacy) or router user (Jabberd2). Required for those.</summary>
    public string? Username { get; set; }

    /// <summary>
    /// The resource to log in with (Client and Legacy). When empty, a Client login lets the server pick one and asks
    /// for it again on reconnect (unless another login took it from us); a Legacy login, which must name one, uses a
    /// random one made once per component.
    /// </summary>
    public string? Resource { get; set; }

    /// <summary>Every SASL mechanism the SDK implements, strongest first: the default of <see cref="SaslMechanisms"/>.</summary>
    public static IReadOnlyList<string> SupportedSaslMechanisms { get; } =
    [
        "SCRAM-SHA-512-PLUS", "SCRAM-SHA-256-PLUS", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-512", "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", "DIGEST-MD5",
    ];

    /// <summary>
    /// The SASL mechanisms to use, most preferred first; the first one the server offers and the connection allows is
    /// taken. Default: <see cref="SupportedSaslMechanisms"/>.
    /// </summary>
    public IList<string>? SaslMechanisms { get; set; }

    /// <summary>Allow a password to travel unencrypted: SASL PLAIN or a legacy plaintext password without TLS. Off by default.</summary>
    public bool AllowPlaintextWithoutTls { get; set; }

    /// <summary>Legacy only: send the password itself when the server does not accept a digest (PCJ's <c>PlainText</c>).</summary>
    public bool PlainText { get; set; }

    internal LoginOptions Clone()
    {
        var copy = (LoginOptions)MemberwiseClone();
        copy.SaslMechanisms = SaslMechanisms?.ToList();
        return copy;
    }

    internal void AddFailures(ConnectionType type, List<string> failures)
    {
        if (type is ConnectionType.Client or ConnectionType.Legacy or ConnectionType.Jabberd2 && string.IsNullOrWhiteSpace(Username))
            failures.Add($"Login:Username is required for connection type {type.ToDisplayName()}.");
        if (SaslMechanisms is { Count: > 0 } mechanisms)
        {
            foreach (string unknown in mechanisms.Where(m => !SupportedSaslMechanisms.Contains(m, StringComparer.Ordinal)))
                failures.Add($"Login:SaslMechanisms: '{unknown}' is not supported (supported: {string.Join(", ", SupportedSaslMechanisms)}).");
        }
    }
}
