namespace ComponentSdk;

/// <summary>
/// Bounds on memory and on what the server may send (configuration section <c>Component:Limits</c>): whatever happens,
/// a connection holds at most this much.
/// </summary>
public sealed class LimitOptions
{
    private const int DefaultMaxStanzaBytes = 256 * 1024;

    /// <summary>The largest stanza accepted from the server, in bytes of UTF-8; larger is <c>policy-violation</c>. Default 256 KiB.</summary>
    public int MaxStanzaBytes { get; set; } = DefaultMaxStanzaBytes;

    /// <summary>The deepest element nesting accepted from the server. Default 64.</summary>
    public int MaxDepth { get; set; } = 64;

    /// <summary>The most attributes one element from the server may carry (namespace declarations included). Default 128.</summary>
    public int MaxAttributes { get; set; } = 128;

    /// <summary>
    /// The largest stanza <c>SendAsync</c> accepts, in bytes of UTF-8; a larger one throws
    /// <see cref="StanzaTooLargeToSendException"/> (servers end the stream of a peer that sends one over their limit).
    /// Default 256 KiB, the limit of many servers; lower it to your server's.
    /// </summary>
    public int MaxOutgoingStanzaBytes { get; set; } = DefaultMaxStanzaBytes;

    /// <summary>The largest number of stanzas held in the outgoing queue while not ready. Default 100,000.</summary>
    public int MaxQueuedStanzas { get; set; } = 100_000;

    /// <summary>
    /// While this many accepted stanzas wait to be written (or, with acknowledged delivery, confirmed), <c>SendAsync</c>
    /// waits before accepting more, so memory stays bounded. Default 10,000.
    /// </summary>
    public int MaxOutboundBacklog { get; set; } = 10_000;

    /// <summary>
    /// How many received stanzas may wait for the application's handlers before the connection stops reading from
    /// the socket (and starts again at half). Default 1,000.
    /// </summary>
    public int MaxInboundBacklog { get; set; } = 1000;

    internal LimitOptions Clone() => (LimitOptions)MemberwiseClone();

    internal void AddFailures(List<string> failures)
    {
        if (MaxStanzaBytes < 1024) failures.Add("Limits:MaxStanzaBytes must be at least 1024.");
        if (MaxDepth < 2) failures.Add("Limits:MaxDepth must be at least 2.");
        if (MaxAttributes < 8) failures.Add("Limits:MaxAttributes must be at least 8.");
        if (MaxOutgoingStanzaBytes < 1024) failures.Add("Limits:MaxOutgoingStanzaBytes must be at least 1024.");
        if (MaxQueuedStanzas < 1) failures.Add("Limits:MaxQueuedStanzas must be at least 1.");
        if (MaxOutboundBacklog < 2) failures.Add("Limits:MaxOutboundBacklog must be at least 2.");
        if (MaxInboundBacklog < 2) failures.Add("Limits:MaxInboundBacklog must be at least 2.");
    }
}
