using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Xml.Linq;
using ComponentSdk.Diagnostics;
using ComponentSdk.Dispatch;
using ComponentSdk.Protocols.Accept;
using ComponentSdk.Protocols.Client;
using ComponentSdk.Protocols.Jabberd2;
using ComponentSdk.Protocols.Legacy;
using ComponentSdk.Transport;
using ComponentSdk.Xml;
using DotNetty.Common.Concurrency;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Runtime;

/// <summary>
/// The connection's life: connecting (one attempt at a time), becoming ready, closing cleanly, and what a closed
/// connection leaves behind (unconfirmed stanzas back to the queue, requests failed). Reconnecting is in the other
/// half of this type.
/// </summary>
internal sealed partial class ConnectionSupervisor
{
    private readonly ComponentState state;
    private readonly IEventLoop eventLoop;
    private readonly Outbox outbox;
    private readonly Inbox inbox;
    private readonly PendingRequests pending;
    private readonly StatusReporter status;
    private readonly SemaphoreSlim lifecycle = new(1, 1);
    private string host;
    private int port;
    private string? boundResource; // a Client login's resource from the server, asked for again on reconnect
    private StreamManagementSession? streamManagement; // the XEP-0198 session of the last ready connection, to resume
    private Session? suspended; // the lost connection whose session is to be resumed: its requests wait for the outcome

    public ConnectionSupervisor(ComponentState state, IEventLoop eventLoop, Outbox outbox, Inbox inbox, PendingRequests pending, StatusReporter status)
    {
        this.state = state;
        this.eventLoop = eventLoop;
        this.outbox = outbox;
        this.inbox = inbox;
        this.pending = pending;
        this.status = status;
        host = state.Options.Host;
        port = state.Options.Port;
        Resource = string.IsNullOrEmpty(state.Options.Login.Resource) ? Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) : state.Options.Login.Resource;
    }

    private ConnectionOptions Options => state.Options;

    /// <summary>The resource a Legacy login names: the configured one, or one made once and reused on reconnect.</summary>
    public string Resource { get; }

    /// <summary>
    /// Connects (to <paramref name="host"/> and <paramref name="port"/> when given, kept for later connects) and
    /// negotiates, over <paramref name="channel"/> instead of TCP when one is given. A live connection is ended first.
    /// </summary>
    public async Task ConnectAsync(string? host, int? port, bool fromRetry, CancellationToken cancellationToken, IChannel? channel = null)
    {
        state.ThrowIfDisposed();
        if (!fromRetry) StopReconnecting(); // the application takes over
        if (port is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(port), port, "The port must be between 1 and 65535.");
        if (host is not null && Uri.CheckHostName(host) == UriHostNameType.Unknown) throw new ArgumentException($"'{host}' is not an IP address or host name.", nameof(host));

        await lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            state.ThrowIfDisposed(); // disposal may have begun while this waited: it must not find a connection made after it
            if (host is not null) this.host = host;
            if (port is not null) this.port = port.Value;
            await DropAsync().ConfigureAwait(false);

            var attempt = new Session(this, inbox, state, status, LoginResource(), ResumableSession());
            lock (state.Gate) state.Session = attempt;
            using Activity? activity = StartConnectActivity(fromRetry);
            status.Post(ConnectionStatus.Connect);
            status.Post(ConnectionStatus.Connecting, detail: FindsServer ? $"{Options.Hostname} (its server found through DNS)" : $"{this.host}:{this.port}");
            try
            {
                if (channel is not null) attempt.Connection.Attach(channel, CreateNegotiation(attempt.Connection.Context));
                else await attempt.Connection.OpenAsync(eventLoop, this.host, this.port, CreateNegotiation, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var failure = FindsServer ? new ConnectionFailedException(Options.Hostname, this.port, ex) : new ConnectionFailedException(this.host, this.port, ex);
                lock (state.Gate)
                {
                    if (state.Session == attempt) state.Session = null;
                }
                status.Post(ConnectionStatus.ConnectFail, error: failure);
                activity?.SetStatus(ActivityStatusCode.Error, failure.Message);
                throw failure;
            }

            try
            {
                await attempt.Negotiated.WaitAsync(cancellationToken).ConfigureAwait(false);
                activity?.SetTag("xmpp.jid", state.Jid?.ToString());
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

    /// <summary>True when no host is set: the server of the domain is found through DNS.</summary>
    private bool FindsServer => string.IsNullOrWhiteSpace(host);

    /// <summary>A span covering one connection attempt, from the TCP connect to ready (or failure).</summary>
    private Activity? StartConnectActivity(bool fromRetry)
    {
        Activity? activity = ComponentTelemetry.Source.StartActivity("xmpp.connect", ActivityKind.Client);
        if (activity is null) return null;
        activity.SetTag(ComponentTelemetry.ConnectionTag, state.DisplayName);
        activity.SetTag("server.address", host);
        activity.SetTag("server.port", port);
        activity.SetTag("xmpp.connection_type", Options.ConnectionType.ToString());
        activity.SetTag("xmpp.reconnect", fromRetry);
        return activity;
    }

    /// <summary>
    /// Sends <c>&lt;/stream:stream&gt;</c>, waits up to <see cref="ConnectionOptions.ShutdownTimeout"/> for the
    /// server to close its own, then closes the socket. What arrived before the server's closing tag still reaches the
    /// handlers, and what they sent meanwhile goes out on a handover connection, within the same time (see
    /// <see cref="HandOverAsync"/>). Does nothing without a connection.
    /// </summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        StopReconnecting();
        await lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Session? current;
            lock (state.Gate) current = state.Session;
            if (current?.Connection.Channel is not { Active: true } channel) return;

            status.Post(ConnectionStatus.StreamEnd);
            status.Post(ConnectionStatus.ShutdownStart);
            long started = TimeProvider.System.GetTimestamp();
            outbox.BeginHandover();
            try
            {
                await EndStreamAsync(current, channel, started, cancellationToken).ConfigureAwait(false);
                status.Post(ConnectionStatus.SocketDisconnect);
                await HandOverAsync(started, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (outbox.EndHandover() is > 0 and int left) Log.HandoverIncomplete(state.Logger, state.DisplayName, left, Options.ShutdownTimeout);
            }
            status.Post(ConnectionStatus.ShutdownFinish);
        }
        finally
        {
            lifecycle.Release();
        }
    }

    /// <summary>Our closing tag behind what was sent before it, then the server's; the socket is closed when it does not come in time.</summary>
    private async Task EndStreamAsync(Session current, IChannel channel, long started, CancellationToken cancellationToken)
    {
        current.Connection.Context.MarkLocalClose();
        if (current.Connection.Context.MarkFooterSent())
        {
            try
            {
                // A server that stops reading would hold the write forever: the shutdown timeout bounds it.
                await current.Connection.Pump.EndStreamAsync().WaitAsync(Options.ShutdownTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The socket is gone or stuck; closing below is all that is left to do.
            }
        }
        try
        {
            // The dispatch stage closes the socket when the server's closing tag arrives.
            await current.Closed.WaitAsync(Left(started), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await CloseNowAsync(current, channel).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The handover of a graceful stop. The server routes stanzas to us until it reads our closing tag; those that
    /// arrive before its own still reach the handlers, but nothing may follow our closing tag on that stream. So, once
    /// the handlers are through what arrived, what they sent meanwhile goes out on a new connection that closes once it
    /// has gone quiet. What arrives after its closing tag is handled the same way, until nothing is left or the
    /// shutdown timeout has passed.
    /// </summary>
    private async Task HandOverAsync(long started, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await inbox.HandledSoFarAsync().WaitAsync(Left(started), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Handlers still at work: what they sent so far goes over; the rest is counted when the shutdown ends.
            }
            List<XElement> stanzas = outbox.TakeHandover();
            if (stanzas.Count == 0 || Left(started) == TimeSpan.Zero)
            {
                outbox.ReturnToHandover(stanzas);
                return;
            }
            Log.HandingOver(state.Logger, state.DisplayName, stanzas.Count);
            var attempt = new Session(this, inbox, state, status, LoginResource(), resumable: null, handover: true);
            lock (state.Gate) state.Session = attempt;
            bool opened = false;
            try
            {
                await attempt.Connection.OpenAsync(eventLoop, host, port, CreateNegotiation, cancellationToken).ConfigureAwait(false);
                await attempt.Negotiated.WaitAsync(Left(started), cancellationToken).ConfigureAwait(false);
                outbox.OpenHandover(attempt, stanzas);
                opened = true;
                await SettleAsync(attempt, started, cancellationToken).ConfigureAwait(false);
                await outbox.CloseHandover(attempt).WaitAsync(Left(started), cancellationToken).ConfigureAwait(false);
                await attempt.Closed.WaitAsync(Left(started), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Not connected, or not in time. Once the stanzas were handed to the connection they are its: what it did
                // not write comes back when it closes; before that they wait again. The rest is counted at the end.
                if (attempt.Connection.Channel is { } channel) await CloseNowAsync(attempt, channel).ConfigureAwait(false);
                if (!opened) outbox.ReturnToHandover(stanzas);
                Log.HandoverFailed(state.Logger, state.DisplayName, ex.Message);
                return;
            }
        }
    }

    /// <summary>
    /// Keeps the handover connection open while it receives: what the server routes to it (a jabberd2 router asks a
    /// freshly bound name for its disco#info, ejabberd balances a share of the domain's traffic onto it) is answered
    /// on it, rather than starting yet another handover. It closes once nothing arrived for a moment, or after at most
    /// <see cref="HandoverMaxOpen"/>.
    /// </summary>
    private async Task SettleAsync(Session attempt, long started, CancellationToken cancellationToken)
    {
        long opened = TimeProvider.System.GetTimestamp();
        int seen = -1;
        while (attempt.Received != seen && TimeProvider.System.GetElapsedTime(opened) < HandoverMaxOpen && Left(started) > HandoverQuiet)
        {
            seen = attempt.Received;
            await Task.Delay(HandoverQuiet, cancellationToken).ConfigureAwait(false);
            try
            {
                await inbox.HandledSoFarAsync().WaitAsync(Left(started), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return; // handlers still busy at the deadline: close with what was sent so far
            }
        }
    }

    private static readonly TimeSpan HandoverQuiet = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan HandoverMaxOpen = TimeSpan.FromSeconds(1);

    /// <summary>What is left of the shutdown timeout that began at <paramref name="started"/>.</summary>
    private TimeSpan Left(long started)
    {
        TimeSpan left = Options.ShutdownTimeout - TimeProvider.System.GetElapsedTime(started);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>For disposal, after <see cref="ShutdownAsync"/>: closes whatever a connect under way made meanwhile.</summary>
    public async Task CloseAsync()
    {
        await lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            Session? current;
            lock (state.Gate) current = state.Session;
            if (current?.Connection.Channel is { } channel) await channel.CloseAsync().ConfigureAwait(false);
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
        lock (state.Gate) old = state.Session;
        if (old?.Connection.Channel is not { } channel) return;
        old.Connection.Context.MarkLocalClose();
        StreamCloser.EndStreamAndClose(channel, old.Connection.Context);
        try
        {
            await old.Closed.WaitAsync(Options.ShutdownTimeout).ConfigureAwait(false);
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

    private IChannelHandler CreateNegotiation(ConnectionContext context) => Options.ConnectionType switch
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
        if (Options.ConnectionType != ConnectionType.Client || !string.IsNullOrEmpty(Options.Login.Resource)) return Resource;
        lock (state.Gate) return boundResource;
    }

    /// <summary>The stream management session a lost connection left, while resuming it is allowed; null for a new session.</summary>
    private StreamManagementSession? ResumableSession()
    {
        lock (state.Gate) return suspended is not null && Options.StreamManagement.Resume ? streamManagement : null;
    }

    /// <summary>On the event loop: negotiation finished.</summary>
    public void OnReady(Session attempt, SessionEstablished established)
    {
        Session? lost;
        StreamManagementSession? previous;
        int arrived = 0;
        if (attempt.IsHandover) return; // never ready: the shutdown sends what it hands over, then closes
        lock (state.Gate)
        {
            if (state.Session != attempt) return;
            state.Ready = true;
            state.Jid = established.Jid;
            boundResource = established.Jid.Resource;
            state.StreamId = established.StreamId;
            lost = suspended;
            previous = streamManagement;
            suspended = null;
            if (established.Resumed)
            {
                // Nothing lost either way: the server re-sends what we had not received, and we what it had not.
                arrived = outbox.OnResumed(established.StreamManagement!.Resumed(established.ResumedAt!.Value));
                if (lost is not null) pending.MoveSentOn(lost, attempt);
            }
            else if (lost is not null)
            {
                // A refusal may still say what had reached the server: that much is not sent again.
                arrived = previous is null ? 0 : outbox.OnResumed(previous.TakeArrived());
                outbox.OnSessionLost(lost);
            }
            streamManagement = established.StreamManagement;
            outbox.OnReady(attempt);
        }
        outbox.ReleaseWaiters(); // senders waiting for room in a full queue can now go straight to the connection
        int unacked = previous?.LeftUnacked ?? 0;
        if (established.Resumed)
        {
            Log.SessionResumed(state.Logger, state.DisplayName, arrived, unacked, unacked - arrived);
            status.Post(ConnectionStatus.StreamResumed, detail: $"{unacked - arrived} of {unacked} unacknowledged stanzas sent again");
            return;
        }
        if (lost is not null)
        {
            // The lost session's requests had their replies on it: gone with it, unless they were queued to go out again.
            pending.FailSentOn(lost, new ConnectionLostException("The connection closed before the reply arrived, and the session could not be resumed."));
            string reason = previous?.RefusedBecause ?? (established.StreamManagement is null && previous is { CanResume: true }
                ? "the server no longer offers stream management"
                : "the server's window for resuming it had passed");
            Log.ResumeFailed(state.Logger, state.DisplayName, reason, unacked - arrived);
            status.Post(ConnectionStatus.StreamResumeFailed, detail: reason);
        }
        Log.Ready(state.Logger, state.DisplayName, established.Jid.ToString(), established.StreamId);
        status.Post(ConnectionStatus.Ready);
        inbox.PostReady();
    }

    /// <summary>On the event loop: the connection closed; <paramref name="error"/> says why, null after a clean close.</summary>
    public void OnClosed(Session attempt, Exception? error)
    {
        bool wasReady;
        bool resuming = false, brokenResumption = false;
        List<XElement> dropped;
        lock (state.Gate)
        {
            wasReady = state.Ready && state.Session == attempt;
            StreamManagementSession? managed = attempt.Connection.Context.StreamManagement;
            if (wasReady && managed is not null)
            {
                if (BrokenResumption(attempt.Connection.Context, error, out string? reason))
                {
                    // The server cannot go on with the session: the next connection makes a new one, and sends again what
                    // it had not acknowledged.
                    managed.Refused(reason, null);
                    brokenResumption = true;
                }
                // A session the server keeps for us is resumed on the next connection, unless we were the ones ending it.
                resuming = (managed.Id is not null || brokenResumption) && Options.StreamManagement.Resume && !attempt.Connection.Context.LocalClose;
                streamManagement = resuming ? managed : null;
                suspended = resuming ? attempt : null;
            }
            else if (wasReady)
            {
                streamManagement = null;
            }
            dropped = outbox.OnClosed(attempt, resuming);
            if (state.Session == attempt)
            {
                state.Session = null;
                state.Ready = false;
                state.StreamId = null;
                // Another login took our resource (RFC 6120 §4.9.3.3): asking for it again would take it back, and
                // the two would push each other out for ever. The next login lets the server pick.
                if (error is StreamErrorException { Condition: StreamErrorCondition.Conflict }) boundResource = null;
            }
        }
        outbox.ReportDropped(dropped, error);
        if (!resuming) pending.FailSentOn(attempt, new ConnectionLostException("The connection closed before the reply arrived.", error));
        if (error is not null)
        {
            // A failed negotiation is reported to the caller of ConnectAsync; only a ready connection is "lost".
            // A connection the application was closing (a shutdown, a connect to somewhere else) is not "lost", even
            // if it ended with an error: reconnecting would undo what the application asked for.
            bool closing = attempt.Connection.Context.LocalClose;
            if (wasReady && !closing) Log.ConnectionLost(state.Logger, state.DisplayName, error.Message);
            status.Post(ConnectionStatus.SocketFail, error: error);
            if (wasReady && !closing) StartReconnecting(error, transient: brokenResumption);
        }
    }

    /// <summary>
    /// True when a resumed stream ended in a way that says the server could not go on with it: as malformed XML, or
    /// lost without the server ever acknowledging what we sent on it. Prosody 0.12 goes on parsing a resumed session
    /// with the parser of the connection that was lost; when that one was cut in the middle of a stanza, what follows
    /// the resumption is an error to it (cut in a tag) or is swallowed into the cut stanza (cut in its text). Resuming
    /// again would meet the same parser: a new session follows instead.
    /// </summary>
    private bool BrokenResumption(ConnectionContext connection, Exception? error, [NotNullWhen(true)] out string? reason)
    {
        reason = null;
        if (!connection.Resumed || connection.LocalClose) return false;
        if (error is StreamErrorException { Condition: StreamErrorCondition.NotWellFormed or StreamErrorCondition.InvalidXml } stream)
            reason = $"the server ended the resumed stream with {stream.Condition.ToElementName()}";
        else if (connection.AwaitingFirstAck)
            reason = "the resumed stream was lost before the server acknowledged anything on it";
        else
            return false;
        Log.ResumedStreamBroken(state.Logger, state.DisplayName, reason);
        return true;
    }
}
