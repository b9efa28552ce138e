using DotNetty.Transport.Channels;

namespace ComponentSdk;

public partial class Component
{
    /// <summary>Connects to the configured host and port and negotiates; completes when the connection is ready.</summary>
    /// <exception cref="ConnectionFailedException">The TCP connection could not be made.</exception>
    /// <exception cref="XmppAuthenticationException">The server refused us (wrong secret, bad credentials, conflict).</exception>
    /// <exception cref="StreamErrorException">The server ended the stream with an error during negotiation.</exception>
    /// <exception cref="NegotiationTimeoutException">The server did not complete the negotiation in time.</exception>
    /// <exception cref="ConnectionLostException">The connection closed or was reset during the negotiation.</exception>
    public Task ConnectAsync(CancellationToken cancellationToken = default) => ConnectAsync(null, null, cancellationToken);

    /// <summary>
    /// Connects, optionally to another host and port, which are then used for later connects too (PCJ's
    /// <c>connect</c>). A live connection is ended first (with <c>&lt;/stream:stream&gt;</c>); pending requests fail
    /// with <see cref="ConnectionLostException"/>; the outgoing queue and the filters are kept.
    /// </summary>
    public Task ConnectAsync(string? host, int? port, CancellationToken cancellationToken = default) =>
        supervisor.ConnectAsync(host, port, fromRetry: false, cancellationToken);

    /// <summary>The same as <see cref="ConnectAsync(string?, int?, CancellationToken)"/> (PCJ's <c>reconnect</c>).</summary>
    public Task ReconnectAsync(string? host = null, int? port = null, CancellationToken cancellationToken = default) =>
        ConnectAsync(host, port, cancellationToken);

    /// <summary>
    /// Connects like <see cref="ConnectAsync(CancellationToken)"/>, retrying transient failures (refused, reset,
    /// timeouts, a server restarting, a <c>conflict</c> while an old session lingers) with the backoff of
    /// <see cref="ConnectionOptions.Reconnect"/>, and following <c>see-other-host</c>. Each wait raises
    /// <see cref="ConnectionStatus.ReconnectScheduled"/>. Throws at once on a permanent failure (see
    /// <see cref="ConnectionFailures.IsPermanent"/>), or <see cref="ConnectionFailedException"/> when
    /// <see cref="ReconnectOptions.MaxAttempts"/> run out.
    /// </summary>
    public Task ConnectWithRetryAsync(CancellationToken cancellationToken = default) => supervisor.ConnectWithRetryAsync(cancellationToken);

    /// <summary>
    /// Ends the stream cleanly: sends <c>&lt;/stream:stream&gt;</c>, waits up to
    /// <see cref="ConnectionOptions.ShutdownTimeout"/> for the server to close its own, then closes the socket.
    /// Does nothing without a connection. Pending requests fail; the queue is kept.
    /// </summary>
    /// <remarks>
    /// The server goes on routing stanzas to us until it reads our closing tag. Those that arrive before its own still
    /// reach the handlers, and what the handlers send from the start of the shutdown (nothing may follow our closing
    /// tag on that stream) goes out on a short handover connection, all within the same timeout; where the server
    /// balances the domain over several connections, that one closes at once and the others take the traffic. What
    /// could not be handed over in time stays in the queue, with a warning.
    /// </remarks>
    public Task ShutdownAsync(CancellationToken cancellationToken = default) => supervisor.ShutdownAsync(cancellationToken);

    /// <summary>
    /// Negotiates over a channel made elsewhere instead of a TCP connection (an in-memory channel, for benchmarks of
    /// the whole pipeline without a socket). Firing <c>ChannelActive</c> through its pipeline once attached starts the stream.
    /// </summary>
    internal Task ConnectOverAsync(IChannel channel, CancellationToken cancellationToken = default) =>
        supervisor.ConnectAsync(null, null, fromRetry: false, cancellationToken, channel);
}
