namespace ComponentSdk.Xml;

/// <summary>Elements were nested deeper than <see cref="XmlLimits.MaxDepth"/>: <c>policy-violation</c>.</summary>
public sealed class NestingTooDeepException : StreamViolationException
{
    /// <summary>Creates the exception for the given limit.</summary>
    public NestingTooDeepException(int limit)
        : base(StreamErrorCondition.PolicyViolation, $"A stanza nested elements deeper than the limit of {limit}.") => Limit = limit;

    /// <summary>The depth limit that was exceeded (the stanza element itself is depth 1).</summary>
    public int Limit { get; }
}
