using System.Diagnostics;
using System.Xml.Linq;
using ComponentSdk.Diagnostics;
using ComponentSdk.Dispatch;
using ComponentSdk.Transport;
using ComponentSdk.Xml;
using DotNetty.Common.Concurrency;

namespace ComponentSdk.Runtime;

/// <summary>
/// Acknowledged delivery: delivery checks (a ping the component addresses to itself, confirming everything sent
/// before it), the careful resending of unconfirmed stanzas after a loss, and dead letters.
/// </summary>
internal sealed partial class Outbox
{
    /// <summary>Unconfirmed stanzas that make a delivery check go out at once, however recent the last one.</summary>
    private const int DeferredBarrierLimit = 256;

    /// <summary>The largest batch of stanzas sent again at once after a loss.</summary>
    private const int MaxResendWindow = 1 << 12;

    private IScheduledTask? barrierWatch;
    private IScheduledTask? deferredBarrier;
    private long lastBarrierTimestamp;
    private bool releasing; // stanzas a lost connection left unconfirmed are being sent again, a batch at a time
    private int resendWindow = 1;
    private int warnedUnanswered;

    /// <summary>On the event loop: true when <paramref name="stanza"/> is one of our delivery checks come back (and consumed).</summary>
    public bool TryConfirm(XElement stanza, Jid? self)
    {
        // A check counts only when it comes back from ourselves: anyone else could send its id.
        if (delivery is null || stanza.Id() is not { } id || !delivery.IsBarrier(id) || !Jid.SameAddress(stanza.From(), self?.ToString())) return false;
        ConfirmDelivery(id);
        return true;
    }

    /// <summary>
    /// Under the gate: hands the outgoing queue to the ready connection. Stanzas that a lost connection left
    /// unconfirmed come first: they go a batch at a time, each batch confirmed before the next (1, 2, 4... stanzas),
    /// and a stanza on its last attempt goes alone, so that a stanza that ends every connection it is sent on (a server
    /// refusing it) is the only one charged with it. Everything behind them waits its turn.
    /// </summary>
    private void ReleaseQueue(Session current)
    {
        releasing = false;
        while (queue.Peek() is { } head)
        {
            int attempts = delivery is { SocketOnly: false } ? DeliveryTracker.Attempts(head) : 0;
            if (attempts == 0)
            {
                foreach (XElement stanza in queue.TakeAll()) HandOver(current, stanza);
                break;
            }
            releasing = true;
            if (delivery!.Count > 0) return; // the batch before is not confirmed yet
            int last = Options.Delivery.MaxAttempts - 1;
            List<XElement> batch = attempts >= last
                ? queue.TakeFront(1, _ => true)
                : queue.TakeFront(resendWindow, s => DeliveryTracker.Attempts(s) is > 0 and var a && a < last);
            foreach (XElement stanza in batch) HandOver(current, stanza);
            RequestBarrier(current, immediately: true);
            return;
        }
        RequestBarrier(current);
    }

    /// <summary>Under the gate: with acknowledged delivery, sends a check when one is due and watches its return.</summary>
    private void RequestBarrier(Session current, bool immediately = false)
    {
        if (delivery is null || state.Jid is not { } jid || delivery.SocketOnly || delivery.OutstandingBarrier is not null) return;
        bool probe = delivery.NeedsProbe;
        if (delivery.Count == 0 && !probe) return;
        TimeSpan wait = Options.Delivery.CheckInterval - Stopwatch.GetElapsedTime(lastBarrierTimestamp);
        if (!probe && !immediately && wait > TimeSpan.Zero && delivery.Count < DeferredBarrierLimit)
        {
            // Too soon after the last check: one check later covers this stanza and whatever follows it meanwhile.
            deferredBarrier ??= current.Connection.Channel!.EventLoop.Schedule(RequestDeferredBarrier, wait);
            return;
        }
        bool stampFrom = Options.ConnectionType is ConnectionType.Accept or ConnectionType.Jabberd2;
        if (delivery.NextBarrier(jid, stampFrom) is not { } barrier) return;
        lastBarrierTimestamp = Stopwatch.GetTimestamp();
        current.Connection.Pump.Enqueue(barrier);
        string id = barrier.Id()!;
        TimeSpan timeout = probe ? Options.Delivery.CheckTimeout : Options.RequestTimeout;
        // One watch at a time, cancelled when its check returns: a timer left to expire per check would keep every one
        // of them (and what it captures) alive for the whole timeout, tens of MiB under load.
        barrierWatch?.Cancel();
        barrierWatch = current.Connection.Channel!.EventLoop.Schedule(() => OnCheckUnanswered(current, id, probe, timeout), timeout);
    }

    private void RequestDeferredBarrier()
    {
        lock (state.Gate)
        {
            deferredBarrier = null;
            if (state.Ready && state.Session is { } current) RequestBarrier(current);
        }
    }

    /// <summary>On the event loop: one of our checks came back.</summary>
    private void ConfirmDelivery(string barrierId)
    {
        lock (state.Gate)
        {
            if (!delivery!.TryConfirm(barrierId)) return;
            barrierWatch?.Cancel();
            barrierWatch = null;
            if (!state.Ready || state.Session is not { } current) return;
            if (releasing && delivery.Count == 0)
            {
                resendWindow = Math.Min(resendWindow * 2, MaxResendWindow);
                ReleaseQueue(current);
            }
            else
            {
                RequestBarrier(current);
            }
        }
    }

    /// <summary>On the event loop: a check was not answered in time.</summary>
    private void OnCheckUnanswered(Session current, string id, bool probe, TimeSpan timeout)
    {
        lock (state.Gate)
        {
            if (state.Session != current || delivery!.OutstandingBarrier != id) return;
            if (probe)
            {
                // The server does not route what we address to ourselves: keeping stanzas for a confirmation that never
                // comes would stall everything. This connection confirms at the socket, as without acknowledged delivery.
                delivery.FallBackToSocket();
                if (releasing) ReleaseQueue(current);
            }
        }
        if (probe)
        {
            string reason = $"the server did not route a delivery check (a ping {state.DisplayName} addressed to itself) back within {timeout.TotalSeconds:0.###} s";
            if (Interlocked.Exchange(ref warnedUnanswered, 1) == 0) Log.DeliveryChecksUnanswered(state.Logger, state.DisplayName, reason);
            else Log.DeliveryChecksUnansweredAgain(state.Logger, state.DisplayName, reason);
            ComponentTelemetry.DeliveryFallbacks.Add(1, state.TelemetryTag);
            status.Post(ConnectionStatus.DeliveryChecksUnanswered, detail: reason);
            return;
        }
        ConnectionContext context = current.Connection.Context;
        context.SetCloseReason(new ConnectionLostException(
            $"The server did not route the delivery check back within {timeout.TotalSeconds:0.###} s; the connection is recycled and unconfirmed stanzas are sent again."));
        current.Connection.Channel!.CloseAsync();
    }

    /// <summary>
    /// Under the gate, when a connection closed: what goes back to the queue, and what is given up on. With
    /// acknowledged delivery, everything unconfirmed goes back (each charged an attempt if it was written) unless the
    /// server closed its stream after ours, which proves it processed everything; a stanza out of attempts is dropped.
    /// </summary>
    private (List<XElement> Back, List<XElement> Dropped) TakeBack(Session attempt)
    {
        List<XElement> unsent = attempt.Connection.Pump.TakeUnsent();
        if (attempt.IsHandover) return (unsent, []); // it tracks nothing: the server's closing tag confirms it all
        releasing = false;
        resendWindow = 1;
        ConnectionContext context = attempt.Connection.Context;
        if (context.StreamManagement is { } streamManagement)
        {
            // XEP-0198: what the server has not acknowledged goes back first (unless it closed its stream after ours,
            // which proves it has it all), ahead of what was never written.
            List<XElement> unacked = streamManagement.TakeUnacked();
            if (!context.PeerClosedAfterUs) unsent.InsertRange(0, unacked);
        }
        if (delivery is null) return (unsent, []);
        barrierWatch?.Cancel();
        barrierWatch = null;
        if (context.PeerClosedAfterUs || delivery.SocketOnly)
        {
            delivery.TakeUnconfirmed(chargeExcept: null);
            return (unsent.FindAll(s => !IsBarrier(s)), []);
        }
        List<XElement> unconfirmed = delivery.TakeUnconfirmed(chargeExcept: new HashSet<XElement>(unsent, ReferenceEqualityComparer.Instance));
        List<XElement> dropped = unconfirmed.FindAll(s => DeliveryTracker.Attempts(s) >= Options.Delivery.MaxAttempts);
        if (dropped.Count > 0) unconfirmed.RemoveAll(s => DeliveryTracker.Attempts(s) >= Options.Delivery.MaxAttempts);
        return (unconfirmed, dropped);
    }

    /// <summary>Reports stanzas given up on: a warning each, a status event carrying it, the metric, and its request failed.</summary>
    public void ReportDropped(List<XElement> dropped, Exception? cause)
    {
        foreach (XElement stanza in dropped)
        {
            var error = new StanzaDroppedException(stanza, DeliveryTracker.Attempts(stanza), cause);
            Log.StanzaDropped(state.Logger, state.DisplayName, stanza.Name.LocalName, stanza.Id() ?? "(none)", stanza.To() ?? "(none)", error.Attempts, error.Message);
            ComponentTelemetry.StanzasDropped.Add(1, state.TelemetryTag);
            pending.TryFail(stanza, error);
            status.Post(ConnectionStatus.StanzaDropped, stanza, error);
        }
    }

    private bool IsBarrier(XElement stanza) => delivery is not null && stanza.Id() is { } id && delivery.IsBarrier(id);
}
