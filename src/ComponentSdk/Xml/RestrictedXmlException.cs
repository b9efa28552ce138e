namespace ComponentSdk.Xml;

/// <summary>
/// The peer sent XML that RFC 6120 §11.1 forbids on a stream: a DTD, an entity declaration, a comment, a
/// processing instruction or a reference to an undefined entity. Maps to <c>restricted-xml</c>.
/// </summary>
public sealed class RestrictedXmlException : StreamViolationException
{
    /// <summary>Creates the exception.</summary>
    public RestrictedXmlException(string message) : base(StreamErrorCondition.RestrictedXml, message) { }
}
