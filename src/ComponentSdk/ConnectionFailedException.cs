namespace ComponentSdk;

/// <summary>The TCP connection to the server could not be made (refused, unreachable, timed out).</summary>
public sealed class ConnectionFailedException : XmppException
{
    /// <summary>Creates the exception.</summary>
    public ConnectionFailedException(string host, int port, Exception? innerException)
        : base($"Could not connect to {host}:{port}: {innerException?.Message ?? "unknown error"}", innerException)
    {
        Host = host;
        Port = port;
    }

    /// <summary>The host that was tried.</summary>
    public string Host { get; }

    /// <summary>The port that was tried.</summary>
    public int Port { get; }
}
