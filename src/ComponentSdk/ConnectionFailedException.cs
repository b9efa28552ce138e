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

    /// <summary>The list of addresses tried, when there were several (the message of the combined error).</summary>
    private static string AddressesTried(SocketException error) =>
        error.Message.StartsWith("Every address failed", StringComparison.Ordinal) ? " " + error.Message : "";

    private static string Describe(string host, int port, Exception? cause)
    {
        // Port 0: a login that found its server through DNS, whose targets each have their own port.
        string endpoint = port == 0 ? host : $"{host}:{port}";
        SocketException? socket = null;
        for (Exception? e = cause; e is not null && socket is null; e = e.InnerException) socket = e as SocketException;
        string tried = socket is null ? "" : AddressesTried(socket);
        return (socket?.SocketErrorCode, cause) switch
        {
            (SocketError.ConnectionRefused, _) => $"Nothing listens on {endpoint} (connection refused): is the server running, and are Host and Port right?",
            (SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain, _) => port == 0 ? $"The server of {host} was not found through DNS: check its SRV records, or set Host." : $"The host name '{host}' does not resolve (host not found): check Host.",
            (SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.NetworkDown, _) => $"{endpoint} cannot be reached ({socket!.Message}): check Host and the network.",
            (SocketError.TimedOut, _) or (_, TimeoutException) => $"No TCP connection to {endpoint} in time ({cause!.Message.TrimEnd('.')}): check Host and Port, or a firewall in between.",
            _ => $"Could not connect to {endpoint}: {cause?.Message ?? "unknown error"}",
        } + tried;
    }
}
