namespace ComponentSdk.Xml;

/// <summary>
/// The bytes received from the peer break the rules of an XMPP stream. The connection answers with the
/// stream error <see cref="Condition"/> (RFC 6120 §4.9) and closes the stream.
/// </summary>
public class StreamViolationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StreamViolationException(StreamErrorCondition condition, string message)
        : base(message) => Condition = condition;

    /// <summary>Creates the exception with the error that caused it.</summary>
    public StreamViolationException(StreamErrorCondition condition, string message, Exception innerException)
        : base(message, innerException) => Condition = condition;

    /// <summary>The stream error condition to send to the peer.</summary>
    public StreamErrorCondition Condition { get; }
}
