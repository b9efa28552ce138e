namespace ComponentSdk.Xml;

/// <summary>An element carried more than <see cref="XmlLimits.MaxAttributes"/> attributes: <c>policy-violation</c>.</summary>
public sealed class TooManyAttributesException : StreamViolationException
{
    /// <summary>Creates the exception for the given limit.</summary>
    public TooManyAttributesException(int limit)
        : base(StreamErrorCondition.PolicyViolation, $"An element carried more than {limit} attributes.") => Limit = limit;

    /// <summary>The limit that was exceeded.</summary>
    public int Limit { get; }
}
