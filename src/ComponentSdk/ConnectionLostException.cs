namespace ComponentSdk;

/// <summary>
/// The connection ended before an operation completed: a request waiting for its reply, a negotiation in progress.
/// <see cref="Exception.InnerException"/> says why when it is known (a socket error, a stream error).
/// </summary>
public sealed class ConnectionLostException : XmppException
{
    /// <summary>Creates the exception.</summary>
    public ConnectionLostException(string message, Exception? innerException = null) : base(message, innerException) { }
}
