namespace ComponentSdk;

/// <summary>
/// TLS could not be established: the server does not offer STARTTLS while <see cref="TlsPolicy.Required"/>, it
/// refused STARTTLS, or the TLS handshake failed (for example an untrusted certificate).
/// </summary>
public sealed class TlsNegotiationException : XmppException
{
    /// <summary>Creates the exception.</summary>
    public TlsNegotiationException(string message, Exception? innerException = null) : base(message, innerException) { }
}
