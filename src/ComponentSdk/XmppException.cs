namespace ComponentSdk;

/// <summary>Base class of the errors the SDK reports about a connection and its peer.</summary>
public abstract class XmppException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected XmppException(string message, Exception? innerException = null) : base(message, innerException) { }
}
