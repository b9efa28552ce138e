namespace ComponentSdk.Xml;

/// <summary>The peer sent XML that is not well-formed, or bytes that are not UTF-8: <c>not-well-formed</c>.</summary>
public sealed class MalformedXmlException : StreamViolationException
{
    /// <summary>Creates the exception.</summary>
    public MalformedXmlException(string message) : base(StreamErrorCondition.NotWellFormed, message) { }
}
