using System.Diagnostics;
using System.Xml.Linq;
using ComponentSdk.Diagnostics;
using ComponentSdk.Protocols.Accept;
using ComponentSdk.Protocols.Client;
using ComponentSdk.Protocols.Jabberd2;
using ComponentSdk.Protocols.Legacy;
using ComponentSdk.Transport;
using ComponentSdk.Xml;
using DotNetty.Transport.Channels;

namespace ComponentSdk;

public partial class Component
{
    /// <summary>Connects to the configured host and port and negotiates; completes when the connection is ready.</summary>
    /// <exception cref="ConnectionFailedException">The TCP connection could not be made.</exception>
    /// <exception cref="XmppAuthenticationException">The server refused us (wrong secret, bad credentials, conflict).</exception>
    /// <exception cref="StreamErrorException">The server ended the stream with an error during negotiation.</exception>
    /// <exception cref="NegotiationTimeoutException">The server did not complete the negotiation in time.</exception>
    public Task ConnectAsync(CancellationToken cancellationToken = default) => ConnectAsync(null, null, cancellationToken);

    /// <summary>
    /// Connects, optionally to another host and port, which are then used for later connects too (PCJ's
    /// <c>connect</c>). A live connection is ended first (with <c>&lt;/stream:stream&gt;</c>); pending requests fail
    /// with <see cref="ConnectionLostException"/>; the outgoing queue and the filters are kept.
    /// </summary>
    public Task ConnectAsync(string? host, int? port, CancellationToken cancellationToken = default) =>
        ConnectCoreAsync(host, port, fromRetry: false, cancellationToken);

    /// <summary>
    /// Negotiates over a channel made elsewhere instead of a TCP connection (an in-memory channel, for benchmarks of
    /// the whole pipeline without a socket). Firing <c>ChannelActive</c> through its pipeline once attached starts the stream.
    /// </summary>
    internal Task ConnectOverAsync(IChannel channel, CancellationToken cancellationToken = default) =>
        ConnectCoreAsync(null, null, fromRetry: false, cancellationToken, channel);

    private async Task ConnectCoreAsync(string? host, int? port, bool fromRetry, CancellationToken cancellationToken, IChannel? channel = null)
    {
        ThrowIfDisposed();
        if (!fromRetry) StopReconnecting(); // the application takes over
        if (port is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(port), port, "The port must be between 1 and 65535.");
        if (host is not null && Uri.CheckHostName(host) == UriHostNameType.Unknown) throw new ArgumentException($"'{host}' is not an IP address or host name.", nameof(host));

        await lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed(); // disposal may have begun while this waited: it must not find a connection made after it
            if (host is not null) this.host = host;
            if (port is not null) this.port = port.Value;
            await DropAsync().ConfigureAwait(false);

            var attempt = new Session(this);
            lock (gate) session = attempt;
            using Activity? activity = StartConnectActivity(fromRetry);
            PostStatus(ConnectionStatus.Connect);
            PostStatus(ConnectionStatus.Connecting, detail: $"{this.host}:{this.port}");
            try
            {
                if (channel is not null) attempt.Connection.Attach(channel, CreateNegotiation(attempt.Connection.Context));
                else await attempt.Connection.OpenAsync(eventLoop, this.host, this.port, CreateNegotiation, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var failure = new ConnectionFailedException(this.host, this.port, ex);
                lock (gate)
                {
                    if (session == attempt) session = null;
                }
                PostStatus(ConnectionStatus.ConnectFail, error: failure);
                activity?.SetStatus(ActivityStatusCode.Error, failure.Message);
                throw failure;
            }

            try
            {
                await attempt.Negotiated.WaitAsync(cancellationToken).ConfigureAwait(false);
                activity?.SetTag("xmpp.jid", Jid?.ToString());
            }
            catch (Exception ex)
            {
                activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
                if (ex is OperationCanceledException) attempt.Connection.Channel?.CloseAsync();
                throw;
            }
        }
        finally
        {
            lifecycle.Release();
        }
    }

    /// <summary>A span covering one connection attempt, from the TCP connect to ready (or failure).</summary>
    private Activity? StartConnectActivity(bool fromRetry)
    {
        Activity? activity = ComponentTelemetry.Source.StartActivity("xmpp.connect", ActivityKind.Client);
        if (activity is null) return null;
        activity.SetTag(ComponentTelemetry.ConnectionTag, displayName);
        activity.SetTag("server.address", host);
        activity.SetTag("server.port", port);
        activity.SetTag("xmpp.connection_type", options.ConnectionType.ToString());
        activity.SetTag("xmpp.reconnect", fromRetry);
        return activity;
    }

    /// <summary>The same as <see cref="ConnectAsync(string?, int?, CancellationToken)"/> (PCJ's <c>reconnect</c>).</summary>
    public Task ReconnectAsync(string? host = null, int? port = null, CancellationToken cancellationToken = default) =>
        ConnectAsync(host, port, cancellationToken);

    /// <summary>
    /// Ends the stream cleanly: sends <c>&lt;/stream:stream&gt;</c>, waits up to
    /// <see cref="ConnectionOptions.ShutdownTimeout"/> for the server to close its own, then closes the socket.
    /// Does nothing without a connection. Pending requests fail; the queue is kept.
    /// </summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken = default)
    {
        StopReconnecting();
        await lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Session? current;
            lock (gate) current = session;
            if (current?.Connection.Channel is not { Active: true } channel) return;

            PostStatus(ConnectionStatus.StreamEnd);
            PostStatus(ConnectionStatus.ShutdownStart);
            ConnectionContext context = current.Connection.Context;
            context.MarkLocalClose();
            long started = TimeProvider.System.GetTimestamp();
            if (context.MarkFooterSent())
            {
                try
                {
                    // A server that stops reading would hold the write forever: the shutdown timeout bounds it.
                    await channel.WriteAndFlushAsync(StreamFooter.Instance).WaitAsync(options.ShutdownTimeout, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The socket is gone or stuck; closing below is all that is left to do.
                }
            }
            PostStatus(ConnectionStatus.SocketDisconnect);
            try
            {
                // The dispatch stage closes the socket when the server's closing tag arrives.
                TimeSpan left = options.ShutdownTimeout - TimeProvider.System.GetElapsedTime(started);
                await current.Closed.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                await CloseNowAsync(current, channel).ConfigureAwait(false);
            }
            PostStatus(ConnectionStatus.ShutdownFinish);
        }
        finally
        {
            lifecycle.Release();
        }
    }

    /// <summary>Ends the current connection without waiting for the server (used before connecting again).</summary>
    private async Task DropAsync()
    {
        Session? old;
        lock (gate) old = session;
        if (old?.Connection.Channel is not { } channel) return;
        old.Connection.Context.MarkLocalClose();
        StreamCloser.EndStreamAndClose(channel, old.Connection.Context);
        try
        {
            await old.Closed.WaitAsync(options.ShutdownTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await CloseNowAsync(old, channel).ConfigureAwait(false);
        }
    }

    /// <summary>Closes the socket and waits briefly for the session to account for it (a channel never active reports nothing).</summary>
    private static async Task CloseNowAsync(Session attempt, IChannel channel)
    {
        await channel.CloseAsync().ConfigureAwait(false);
        await Task.WhenAny(attempt.Closed, Task.Delay(TimeSpan.FromSeconds(1))).ConfigureAwait(false);
    }

    private IChannelHandler CreateNegotiation(ConnectionContext context) => options.ConnectionType switch
    {
        ConnectionType.Accept => new AcceptHandshake(context),
        ConnectionType.Client => new ClientNegotiation(context),
        ConnectionType.Legacy => new LegacyNegotiation(context),
        _ => new Jabberd2Negotiation(context),
    };

    /// <summary>
    /// The resource the next login asks for. A Client login without a configured one lets the server pick the first
    /// time and then asks for the one it was given, so that its address survives a reconnect (a server that refuses
    /// picks another); a Legacy login must name one and uses <see cref="Resource"/>.
    /// </summary>
    private string? LoginResource()
    {
        if (options.ConnectionType != ConnectionType.Client || !string.IsNullOrEmpty(options.Login.Resource)) return resource;
        lock (gate) return boundResource;
    }

    private void OnSessionReady(Session attempt, SessionEstablished established)
    {
        lock (gate)
        {
            if (session != attempt) return;
            ready = true;
            jid = established.Jid;
            boundResource = established.Jid.Resource;
            streamId = established.StreamId;
            delivery?.StartConnection();
            if (options.Delivery.PurgeQueueOnReady == true) ReleaseQueue(attempt);
            RequestBarrier(attempt); // with acknowledged delivery, the probe: does this server route our checks back?
        }
        queue.ReleaseWaiters(); // senders waiting for room in a full queue can now go straight to the connection
        Log.Ready(logger, displayName, established.Jid.ToString(), established.StreamId);
        PostStatus(ConnectionStatus.Ready);
        dispatcher.Post(Dispatch.DispatchItem.ForWork(() => OnReadyAsync(stopping.Token)));
    }

    private void OnSessionClosed(Session attempt, Exception? error)
    {
        bool wasReady;
        List<XElement> dropped;
        lock (gate)
        {
            wasReady = ready && session == attempt;
            // Whatever may not have reached the server goes back to the front of the queue, in order: what never
            // reached the channel, or with acknowledged delivery everything not confirmed (unless the server closed
            // its stream after ours, which proves it processed all that was written).
            (List<XElement> back, dropped) = TakeBack(attempt);
            foreach (XElement stanza in back) pending.MarkSent(stanza, null);
            queue.Requeue(back);
            if (options.Delivery.ResendPendingRequests) queue.Requeue(pending.TakeSentOn(attempt));
            if (session == attempt)
            {
                session = null;
                ready = false;
                streamId = null;
                // Another login took our resource (RFC 6120 §4.9.3.3): asking for it again would take it back, and
                // the two would push each other out for ever. The next login lets the server pick.
                if (error is StreamErrorException { Condition: StreamErrorCondition.Conflict }) boundResource = null;
            }
        }
        ReportDropped(dropped, error);
        pending.FailSentOn(attempt, new ConnectionLostException("The connection closed before the reply arrived.", error));
        if (error is not null)
        {
            // A failed negotiation is reported to the caller of ConnectAsync; only a ready connection is "lost".
            // A connection the application was closing (a shutdown, a connect to somewhere else) is not "lost", even
            // if it ended with an error: reconnecting would undo what the application asked for.
            bool closing = attempt.Connection.Context.LocalClose;
            if (wasReady && !closing) Log.ConnectionLost(logger, displayName, error.Message);
            PostStatus(ConnectionStatus.SocketFail, error: error);
            if (wasReady && !closing) StartReconnecting(error);
        }
    }

    /// <summary>The inbound backlog crossed a mark: pause or resume reading, decided on the connection's event loop.</summary>
    private void UpdateReading()
    {
        Session? current;
        lock (gate) current = session;
        if (current?.Connection.Channel is not { } channel) return;
        if (channel.EventLoop.InEventLoop) ApplyReading(channel);
        else channel.EventLoop.Execute(static (component, channel) => ((Component)component).ApplyReading((IChannel)channel), this, channel);
    }

    /// <summary>
    /// On the event loop, from the backlog as it is now: a pause and a resume asked for from two threads can arrive
    /// in either order, and deciding from the request would leave reading off for good if the pause came last.
    /// </summary>
    private void ApplyReading(IChannel channel)
    {
        int depth = dispatcher.Depth;
        bool reading = channel.Configuration.AutoRead;
        if (reading && depth > dispatcher.HighWater)
        {
            channel.Configuration.AutoRead = false;
        }
        else if (!reading && depth <= dispatcher.HighWater)
        {
            // A backlog that rose again past the mark stays paused; its next fall to half asks again.
            channel.Configuration.AutoRead = true;
            channel.Pipeline.FireUserEventTriggered(ResumeFraming.Instance);
        }
    }

    /// <summary>The observer of one connection attempt; callbacks from an attempt that is no longer current are ignored.</summary>
    private sealed class Session : IConnectionObserver
    {
        private readonly Component owner;
        private readonly TaskCompletionSource negotiated = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Session(Component owner)
        {
            this.owner = owner;
            Connection = new Connection(new ConnectionContext(owner.options, this, owner.logger, owner.LoginResource()));
        }

        public Connection Connection { get; }

        public Task Negotiated => negotiated.Task;

        /// <summary>Completes once the closed connection has been accounted for (unconfirmed stanzas requeued, requests failed).</summary>
        public Task Closed => closed.Task;

        public bool WantsElementEvents => owner.RaiseElementEvents;

        public void OnStatus(ConnectionStatusEventArgs status) => owner.PostStatus(status);

        public void OnNegotiated(SessionEstablished session)
        {
            owner.OnSessionReady(this, session);
            negotiated.TrySetResult();
        }

        public void OnStanza(XElement stanza) => owner.OnInbound(stanza);

        public void OnClosed(Exception? error)
        {
            owner.OnSessionClosed(this, error);
            negotiated.TrySetException(error ?? new ConnectionLostException("The connection closed during negotiation."));
            closed.TrySetResult();
        }
    }
}
