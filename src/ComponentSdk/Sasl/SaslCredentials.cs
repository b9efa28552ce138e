namespace ComponentSdk.Sasl;

/// <summary>What mechanism selection needs to know about the user and the connection.</summary>
internal sealed record SaslCredentials(string Username, string Password, string Host)
{
    public IReadOnlyList<string>? Preference { get; init; }

    public bool TlsActive { get; init; }

    public bool AllowPlaintextWithoutTls { get; init; }

    /// <summary>Channel-binding data the TLS layer offers, by type.</summary>
    public IReadOnlyDictionary<string, byte[]> Bindings { get; init; } = new Dictionary<string, byte[]>();

    /// <summary>The binding types the server advertises (XEP-0440), or null when it does not say.</summary>
    public IReadOnlyCollection<string>? ServerBindingTypes { get; init; }
}
