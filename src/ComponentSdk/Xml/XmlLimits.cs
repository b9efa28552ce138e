namespace ComponentSdk.Xml;

/// <summary>Bounds on what the peer may send, enforced before anything is parsed.</summary>
public sealed record XmlLimits
{
    /// <summary>256 KiB, the default <see cref="MaxStanzaBytes"/>.</summary>
    public const int DefaultMaxStanzaBytes = 256 * 1024;

    /// <summary>64, the default <see cref="MaxDepth"/>.</summary>
    public const int DefaultMaxDepth = 64;

    /// <summary>128, the default <see cref="MaxAttributes"/>: real stanzas carry a handful per element.</summary>
    public const int DefaultMaxAttributes = 128;

    /// <summary>The default limits.</summary>
    public static XmlLimits Default { get; } = new();

    /// <summary>The largest stanza or stream header accepted, in bytes of UTF-8.</summary>
    public int MaxStanzaBytes { get; init; } = DefaultMaxStanzaBytes;

    /// <summary>The deepest element nesting accepted; the stanza element itself is depth 1.</summary>
    public int MaxDepth { get; init; } = DefaultMaxDepth;

    /// <summary>
    /// The most attributes (namespace declarations included) one element may carry. Checked before any name is
    /// made, so an element with thousands of made-up attributes costs a scan, not their names.
    /// </summary>
    public int MaxAttributes { get; init; } = DefaultMaxAttributes;

    /// <summary>The limits of a connection's options.</summary>
    internal static XmlLimits From(LimitOptions limits) =>
        new() { MaxStanzaBytes = limits.MaxStanzaBytes, MaxDepth = limits.MaxDepth, MaxAttributes = limits.MaxAttributes };

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a limit is not positive.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttributes, 1, nameof(MaxAttributes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxStanzaBytes, 64, nameof(MaxStanzaBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDepth, 1, nameof(MaxDepth));
    }
}
