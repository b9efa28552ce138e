using System.Net.Sockets;

namespace ComponentSdk;

/// <summary>The TCP connection to the server could not be made (refused, unreachable, a name that does not resolve, timed out).</summary>
public sealed class ConnectionFailedException : XmppException
{
    /// <summary>Creates the exception; the message says in words what went wrong and what to check.</summary>
    public ConnectionFailedException(string host, int port, Exception? innerException)
        : base(Describe(host, port, innerException), innerException)
    {
        Host = host;
        Port = port;
    }

    /// <summary>Gave up after <paramref name="attempts"/> attempts (<see cref="ReconnectOptions.MaxAttempts"/>); the last one failed with <paramref name="lastError"/>.</summary>
    public ConnectionFailedException(string host, int port, Exception lastError, int attempts)
        : base($"Gave up after {attempts} attempts (Reconnect:MaxAttempts): {lastError.Message}", lastError)
    {
        Host = host;
        Port = port;
        Attempts = attempts;
    }

    /// <summary>How many attempts were made: 1 unless the connection was retried.</summary>
    public int Attempts { get; } = 1;

    /// <summary>The host that was tried.</summary>
    public string Host { get; }

    /// <summary>The port that was tried.</summary>
    public int Port { get; }

    private static string Describe(string host, int port, Exception? cause)
    {
        SocketException? socket = null;
        for (Exception? e = cause; e is not null && socket is null; e = e.InnerException) socket = e as SocketException;
        return (socket?.SocketErrorCode, cause) switch
        {
            (SocketError.ConnectionRefused, _) => $"Nothing listens on {host}:{port} (connection refused): is the server running, and are Host and Port right?",
            (SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain, _) => $"The host name '{host}' does not resolve (host not found): check Host.",
            (SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.NetworkDown, _) => $"{host}:{port} cannot be reached ({socket!.Message}): check Host and the network.",
            (SocketError.TimedOut, _) or (_, TimeoutException) => $"No TCP connection to {host}:{port} in time ({cause!.Message.TrimEnd('.')}): check Host and Port, or a firewall in between.",
            _ => $"Could not connect to {host}:{port}: {cause?.Message ?? "unknown error"}",
        };
    }
}
