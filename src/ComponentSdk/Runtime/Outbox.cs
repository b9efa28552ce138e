using System.Xml.Linq;
using ComponentSdk.Dispatch;
using ComponentSdk.Xml;

namespace ComponentSdk.Runtime;

/// <summary>
/// Everything sent: stanzas go to the ready connection, or to the outgoing queue while it is not ready (or while
/// stanzas a lost connection left unconfirmed are sent again ahead of them), with backpressure when the network or
/// the server falls behind. Acknowledged delivery is in the other half of this type.
/// </summary>
internal sealed partial class Outbox
{
    private readonly ComponentState state;
    private readonly OutgoingQueue queue;
    private readonly PendingRequests pending;
    private readonly StatusReporter status;
    private readonly DeliveryTracker? delivery;
    private bool streamManaged; // the ready connection has XEP-0198 stream management; under the gate

    public Outbox(ComponentState state, PendingRequests pending, StatusReporter status)
    {
        this.state = state;
        this.pending = pending;
        this.status = status;
        queue = new OutgoingQueue(state.Options.Limits.MaxQueuedStanzas);
        if (state.Options.Delivery.Acknowledged == true) delivery = new DeliveryTracker();
    }

    private ConnectionOptions Options => state.Options;

    public int QueuedCount => queue.Count;

    public IReadOnlyList<XElement> QueuedStanzas => queue.Snapshot();

    /// <summary>Stanzas handed to the connection that the server has not confirmed (acknowledged delivery only).</summary>
    public int UnconfirmedCount
    {
        get
        {
            lock (state.Gate) return (delivery?.Count ?? 0) + (state.Session?.Connection.Context.StreamManagement?.UnackedCount ?? 0);
        }
    }

    /// <summary>Stanzas accepted while ready that wait to be written.</summary>
    public int OutboundBacklog
    {
        get { lock (state.Gate) return state.Session?.Connection.Pump.Count ?? 0; }
    }

    /// <summary>
    /// On the event loop: sends another process's check back to the domain (see <see cref="CheckRelay"/>), ahead of
    /// nothing and tracked by nothing; during a shutdown it goes with the handover; dropped when not ready (its sender
    /// then times out as before).
    /// </summary>
    public void Relay(XElement stanza)
    {
        lock (state.Gate)
        {
            if (handover is not null) KeptForHandover(stanza); // the handover connection relays it
            else if (state.Ready && state.Session is { } current) current.Connection.Pump.Enqueue(stanza);
        }
    }

    /// <summary>Senders waiting for room try again (the connection became ready, or the component is going away).</summary>
    public void ReleaseWaiters() => queue.ReleaseWaiters();

    /// <summary>Checks the stanza, then hands it on or queues it; waits only for room (backpressure).</summary>
    public ValueTask SendAsync(XElement stanza, CancellationToken cancellationToken)
    {
        XmlCharacters.EnsureValid(stanza);
        OutgoingSize.EnsureWithin(stanza, Options.Limits.MaxOutgoingStanzaBytes);
        return TrySend(stanza) ? ValueTask.CompletedTask : SendSlowAsync(stanza, cancellationToken);
    }

    /// <summary>Hands the stanza on without waiting; false when it has to wait for room first.</summary>
    private bool TrySend(XElement stanza)
    {
        bool connected;
        lock (state.Gate)
        {
            if (KeptForHandover(stanza)) return true;
            if (state.Ready && state.Session is { } current && !releasing)
            {
                if (Unconfirmed(current) >= Options.Limits.MaxOutboundBacklog) return false;
                HandOver(current, stanza);
                RequestBarrier(current);
                return true;
            }
            if (!queue.TryEnqueue(stanza))
            {
                if (Options.Delivery.QueueFullPolicy == QueueFullPolicy.Wait) return false;
                throw new OutgoingQueueFullException(queue.Capacity);
            }
            // Ready, but behind stanzas being sent again one batch at a time: it keeps its place in line.
            if (state.Ready) return true;
            connected = state.Session is not null;
        }
        if (!connected) status.Post(ConnectionStatus.SocketDisconnect);
        if (state.RaiseElementEvents) status.Post(ConnectionStatus.NodeQueued, stanza);
        return true;
    }

    /// <summary>Backpressure: waits for the network (or a purge) to make room, then tries again.</summary>
    private async ValueTask SendSlowAsync(XElement stanza, CancellationToken cancellationToken)
    {
        while (true)
        {
            state.ThrowIfDisposed();
            Task room;
            lock (state.Gate)
            {
                if (!state.Ready || state.Session is not { } current || releasing) room = queue.WaitForRoomAsync(cancellationToken);
                else if (delivery is { SocketOnly: false }) room = delivery.WaitForRoomAsync(Options.Limits.MaxOutboundBacklog, cancellationToken);
                else room = current.Connection.Pump.WaitForRoomAsync(cancellationToken).AsTask();
            }
            await room.ConfigureAwait(false);
            if (TrySend(stanza)) return;
        }
    }

    /// <summary>Under the gate: hands an accepted stanza to the ready connection.</summary>
    private void HandOver(Session current, XElement stanza)
    {
        // XEP-0114 §3: a component names the sender itself; servers refuse (or misroute) a stanza without 'from'.
        if (Options.ConnectionType == ConnectionType.Accept && state.Jid is { } jid && stanza.Attribute(XmppNames.From) is null)
            stanza.SetAttributeValue(XmppNames.From, jid.ToString());
        pending.MarkSent(stanza, current);
        if (delivery is { SocketOnly: false }) delivery.Track(stanza);
        else if (streamManaged && delivery is not null) DeliveryTracker.StampOriginId(stanza); // sent again if a resumption fails
        current.Connection.Pump.Enqueue(stanza);
    }

    /// <summary>Under the gate: what the connection holds that the server has not confirmed (or, at the socket, not taken).</summary>
    private int Unconfirmed(Session current) => delivery is { SocketOnly: false } ? delivery.Count : current.Connection.Pump.Count;

    /// <summary>
    /// Sends the queue in order when ready and returns how many stanzas were handed over; otherwise they stay queued
    /// (and the statuses say so).
    /// </summary>
    public int Purge()
    {
        List<XElement> stanzas;
        bool connected;
        lock (state.Gate)
        {
            if (state.Ready && state.Session is { } current)
            {
                int count = queue.Count;
                ReleaseQueue(current);
                return count;
            }
            stanzas = [.. queue.Snapshot()];
            connected = state.Session is not null;
        }
        foreach (XElement stanza in stanzas)
        {
            if (!connected) status.Post(ConnectionStatus.SocketDisconnect);
            if (state.RaiseElementEvents) status.Post(ConnectionStatus.NodeQueued, stanza);
        }
        return 0;
    }

    /// <summary>Under the gate, when a connection became ready: the queue goes out if configured so, and the delivery probe.</summary>
    public void OnReady(Session current)
    {
        streamManaged = current.Connection.Context.StreamManagement is not null;
        delivery?.StartConnection();
        if (streamManaged) delivery?.ConfirmedByStreamManagement();
        if (Options.Delivery.PurgeQueueOnReady == true) ReleaseQueue(current);
        RequestBarrier(current); // with acknowledged delivery, the probe: does this server route our checks back?
    }

    /// <summary>
    /// Under the gate, when a connection closed: whatever may not have reached the server goes back to the front of
    /// the queue, in order (what never reached the channel, or with acknowledged delivery everything not confirmed,
    /// unless the server closed its stream after ours). Returns what was given up on, to report outside the gate.
    /// </summary>
    public List<XElement> OnClosed(Session attempt, bool resuming)
    {
        streamManaged = false;
        (List<XElement> back, List<XElement> dropped) = TakeBack(attempt);
        foreach (XElement stanza in back) pending.MarkSent(stanza, null);
        // During a shutdown, what the closing stream did not get out goes over to the handover connection.
        if (handover is not null) handover.InsertRange(0, back);
        else queue.Requeue(back);
        // A session to resume keeps its requests: the replies come on the resumed stream.
        if (Options.Delivery.ResendPendingRequests && !resuming) queue.Requeue(pending.TakeSentOn(attempt));
        return dropped;
    }

    /// <summary>
    /// Under the gate, when a lost session could not be resumed: its requests go out again on the new one when
    /// configured so (<see cref="DeliveryOptions.ResendPendingRequests"/>); the caller fails the others.
    /// </summary>
    public void OnSessionLost(Session lost)
    {
        if (Options.Delivery.ResendPendingRequests) queue.Requeue(pending.TakeSentOn(lost));
    }

    /// <summary>
    /// Under the gate, when a session was resumed: <paramref name="arrived"/>, stanzas the lost connection had left
    /// unacknowledged that the server did receive, leave the queue; returns how many were still in it.
    /// </summary>
    public int OnResumed(IReadOnlyCollection<XElement> arrived) => queue.Remove(arrived);
}
