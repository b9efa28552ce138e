namespace ComponentSdk.Xml;

/// <summary>Whitespace between stanzas (RFC 6120 §4.6.1): decoded from the peer, or written to keep a stream alive.</summary>
public sealed class WhitespaceKeepAlive
{
    private WhitespaceKeepAlive() { }

    /// <summary>The only instance.</summary>
    public static WhitespaceKeepAlive Instance { get; } = new();

    /// <inheritdoc />
    public override string ToString() => " ";
}
