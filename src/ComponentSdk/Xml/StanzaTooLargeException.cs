namespace ComponentSdk.Xml;

/// <summary>A stanza (or stream header) exceeded <see cref="XmlLimits.MaxStanzaBytes"/>: <c>policy-violation</c>.</summary>
public sealed class StanzaTooLargeException : StreamViolationException
{
    /// <summary>Creates the exception for the given limit.</summary>
    public StanzaTooLargeException(int limit)
        : base(StreamErrorCondition.PolicyViolation, $"A stanza exceeded the limit of {limit} bytes.") => Limit = limit;

    /// <summary>The limit that was exceeded, in bytes.</summary>
    public int Limit { get; }
}
