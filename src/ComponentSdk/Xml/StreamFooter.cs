namespace ComponentSdk.Xml;

/// <summary>The closing <c>&lt;/stream:stream&gt;</c>: decoded from the peer, or written to end our stream.</summary>
public sealed class StreamFooter
{
    private StreamFooter() { }

    /// <summary>The only instance.</summary>
    public static StreamFooter Instance { get; } = new();

    /// <inheritdoc />
    public override string ToString() => "</stream:stream>";
}
