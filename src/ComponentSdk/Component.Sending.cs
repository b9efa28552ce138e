using System.Diagnostics;
using System.Xml.Linq;
using ComponentSdk.Diagnostics;
using ComponentSdk.Dispatch;
using ComponentSdk.Transport;
using ComponentSdk.Xml;

namespace ComponentSdk;

public partial class Component
{
    /// <summary>
    /// Sends a stanza (PCJ's <c>output</c>): handed to the connection when it is ready, otherwise put in the outgoing
    /// queue (see <see cref="PurgeQueueAsync"/>). Returns once the stanza is accepted; accepted stanzas are not lost
    /// when the connection drops before they reach it, they go back to the queue in order.
    /// </summary>
    /// <exception cref="InvalidXmlCharacterException">The stanza contains a character XML 1.0 does not allow; nothing was sent.</exception>
    /// <exception cref="OutgoingQueueFullException">Not ready, the queue holds <see cref="LimitOptions.MaxQueuedStanzas"/>
    /// already, and <see cref="DeliveryOptions.QueueFullPolicy"/> is <see cref="QueueFullPolicy.Fail"/>.</exception>
    /// <remarks>
    /// Returns at once in the common case. It waits (backpressure) while <see cref="LimitOptions.MaxOutboundBacklog"/>
    /// stanzas wait for a slow network, or while the queue is full under <see cref="QueueFullPolicy.Wait"/>.
    /// </remarks>
    public ValueTask SendAsync(XElement stanza, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stanza);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        XmlCharacters.EnsureValid(stanza);
        OutgoingSize.EnsureWithin(stanza, options.Limits.MaxOutgoingStanzaBytes);
        return TrySend(stanza) ? ValueTask.CompletedTask : SendSlowAsync(stanza, cancellationToken);
    }

    /// <summary>Hands the stanza on without waiting; false when it has to wait for room first.</summary>
    private bool TrySend(XElement stanza)
    {
        bool connected;
        lock (gate)
        {
            if (ready && session is { } current && !releasing)
            {
                if (Unconfirmed(current) >= options.Limits.MaxOutboundBacklog) return false;
                HandOver(current, stanza);
                RequestBarrier(current);
                return true;
            }
            if (!queue.TryEnqueue(stanza))
            {
                if (options.Delivery.QueueFullPolicy == QueueFullPolicy.Wait) return false;
                throw new OutgoingQueueFullException(queue.Capacity);
            }
            // Ready, but behind stanzas being sent again one batch at a time: it keeps its place in line.
            if (ready) return true;
            connected = session is not null;
        }
        if (!connected) PostStatus(ConnectionStatus.SocketDisconnect);
        if (RaiseElementEvents) PostStatus(ConnectionStatus.NodeQueued, stanza);
        return true;
    }

    /// <summary>Backpressure: waits for the network (or a purge) to make room, then tries again.</summary>
    private async ValueTask SendSlowAsync(XElement stanza, CancellationToken cancellationToken)
    {
        while (true)
        {
            ThrowIfDisposed();
            Task room;
            lock (gate)
            {
                if (!ready || session is not { } current || releasing) room = queue.WaitForRoomAsync(cancellationToken);
                else if (delivery is { SocketOnly: false }) room = delivery.WaitForRoomAsync(options.Limits.MaxOutboundBacklog, cancellationToken);
                else room = current.Connection.Pump.WaitForRoomAsync(cancellationToken).AsTask();
            }
            await room.ConfigureAwait(false);
            if (TrySend(stanza)) return;
        }
    }

    /// <summary>Under the lock: hands an accepted stanza to the ready connection.</summary>
    private void HandOver(Session current, XElement stanza)
    {
        // XEP-0114 §3: a component names the sender itself; servers refuse (or misroute) a stanza without 'from'.
        if (options.ConnectionType == ConnectionType.Accept && jid is not null && stanza.Attribute(XmppNames.From) is null)
            stanza.SetAttributeValue(XmppNames.From, jid.ToString());
        pending.MarkSent(stanza, current);
        if (delivery is { SocketOnly: false }) delivery.Track(stanza);
        current.Connection.Pump.Enqueue(stanza);
    }

    /// <summary>Under the lock: what the connection holds that the server has not confirmed (or, at the socket, not taken).</summary>
    private int Unconfirmed(Session current) => delivery is { SocketOnly: false } ? delivery.Count : current.Connection.Pump.Count;

    /// <summary>
    /// Sends a request and completes with the reply (PCJ's <c>return_to_sender</c>): the first stanza that carries the
    /// request's id and comes from its recipient (for a request without <c>to</c>: from the server, from our own address
    /// or without <c>from</c>); for an iq, a <c>result</c> or an <c>error</c>. A stanza with the id from anyone else is
    /// ordinary traffic. A caller's id is kept unless it is already pending; otherwise an unguessable id (96 random bits)
    /// is set on <paramref name="request"/>. Replies skip the filters and handlers. A request made while not ready is
    /// queued with the rest and waits (its timeout runs from now).
    /// </summary>
    /// <param name="request">The stanza, usually an iq get or set.</param>
    /// <param name="timeout">How long to wait; <see cref="ConnectionOptions.RequestTimeout"/> when null.</param>
    /// <param name="cancellationToken">Cancels the wait (the request may still have been sent).</param>
    /// <exception cref="RequestTimeoutException">No reply in time.</exception>
    /// <exception cref="ConnectionLostException">The connection closed (or was reconnected) before the reply came.</exception>
    public async Task<XElement> RequestAsync(XElement request, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        TimeSpan wait = timeout ?? options.RequestTimeout;
        if (wait <= TimeSpan.Zero && wait != Timeout.InfiniteTimeSpan) throw new ArgumentOutOfRangeException(nameof(timeout), "The timeout must be positive.");

        (string id, Task<XElement> reply) = pending.Register(request);
        using Activity? activity = ComponentTelemetry.Source.StartActivity("xmpp.request", ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag(ComponentTelemetry.ConnectionTag, displayName);
            activity.SetTag("xmpp.stanza", request.Name.LocalName);
            activity.SetTag("xmpp.id", id);
            activity.SetTag("xmpp.to", request.To());
        }
        long started = Stopwatch.GetTimestamp();
        try
        {
            if (RaiseElementEvents) PostStatus(ConnectionStatus.RequestStart, request);
            await SendAsync(request, cancellationToken).ConfigureAwait(false);
            XElement answer = await reply.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
            activity?.SetTag("xmpp.type", answer.Type());
            if (answer.Type() == "error") activity?.SetStatus(ActivityStatusCode.Error, answer.ErrorCondition());
            return answer;
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            if (ex is TimeoutException and not RequestTimeoutException) throw new RequestTimeoutException(id, wait);
            throw;
        }
        finally
        {
            pending.Forget(id);
            ComponentTelemetry.RequestDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, telemetryTag);
        }
    }

    /// <summary>
    /// Sends the outgoing queue in order (PCJ's <c>purge_queue</c>) and returns how many stanzas were handed to the
    /// connection. When the connection is not ready they stay queued, in order. Stanzas that a lost connection left
    /// unconfirmed go first, a few at a time (see <see cref="DeliveryOptions.MaxAttempts"/>), and the rest
    /// follows them.
    /// </summary>
    public Task<int> PurgeQueueAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        List<XElement> stanzas;
        bool connected;
        lock (gate)
        {
            if (ready && session is { } current)
            {
                int count = queue.Count;
                ReleaseQueue(current);
                return Task.FromResult(count);
            }
            stanzas = [.. queue.Snapshot()];
            connected = session is not null;
        }
        foreach (XElement stanza in stanzas)
        {
            if (!connected) PostStatus(ConnectionStatus.SocketDisconnect);
            if (RaiseElementEvents) PostStatus(ConnectionStatus.NodeQueued, stanza);
        }
        return Task.FromResult(0);
    }

    /// <summary>
    /// Adds an XPath filter (PCJ's <c>xpath_filter add</c>): for every stanza received after the connection is ready
    /// (replies to requests excepted), when <paramref name="xpath"/> selects at least one node (or a boolean expression
    /// is true), <paramref name="handler"/> runs with the matches. Filters run in the order added, before the
    /// <c>On...Async</c> handlers, and are kept across reconnects. Stanzas are the root of their own document, so
    /// <c>/message[@type='chat']/body</c> and <c>self::message</c> both work without prefixes; payload namespaces
    /// need a prefix from <paramref name="namespaces"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The expression is invalid or uses a prefix that is not declared.</exception>
    public void AddFilter(string name, string xpath, Func<FilterMatch, CancellationToken, ValueTask> handler, IReadOnlyDictionary<string, string>? namespaces = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(xpath);
        ArgumentNullException.ThrowIfNull(handler);
        filters.Add(StanzaFilter.Create(name, xpath, handler, namespaces));
    }

    /// <summary>Adds a filter with a synchronous handler; see <see cref="AddFilter(string, string, Func{FilterMatch, CancellationToken, ValueTask}, IReadOnlyDictionary{string, string}?)"/>.</summary>
    public void AddFilter(string name, string xpath, Action<FilterMatch> handler, IReadOnlyDictionary<string, string>? namespaces = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        AddFilter(name, xpath, (match, _) =>
        {
            handler(match);
            return ValueTask.CompletedTask;
        }, namespaces);
    }

    /// <summary>Removes every filter added under <paramref name="name"/> (PCJ's <c>xpath_filter remove</c>); returns how many.</summary>
    public int RemoveFilter(string name) => filters.Remove(name);
}
