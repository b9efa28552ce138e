using System.Collections.Concurrent;
using System.Xml.Linq;
using ComponentSdk.Diagnostics;
using ComponentSdk.Concurrency;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Transport;

/// <summary>
/// Carries stanzas from any thread to the connection's event loop: callers enqueue without blocking, and one
/// event-loop task writes everything queued so far and flushes once, so a burst costs one wake-up and one
/// system call rather than one per stanza. Order is the order of <see cref="Enqueue"/>. Writing stops while the
/// channel is not writable (DotNetty's high-water mark) and resumes when it is; callers wait in
/// <see cref="WaitForRoomAsync"/> while more than the backlog limit is waiting.
/// </summary>
internal sealed class OutboundPump
{
    private readonly IChannel channel;
    private readonly ConnectionContext connection;
    private readonly ConcurrentQueue<XElement> queue = new();
    private readonly Action drain;
    private readonly int highWater;
    private readonly int lowWater;
    private readonly RoomSignal room = new();
    private readonly KeyValuePair<string, object?> tag;
    private int scheduled;
    private int count;

    public OutboundPump(IChannel channel, ConnectionContext connection)
    {
        this.channel = channel;
        this.connection = connection;
        highWater = connection.Options.Limits.MaxOutboundBacklog;
        lowWater = highWater / 2;
        drain = Drain;
        tag = ComponentTelemetry.Tag(connection.Options.DisplayName);
        connection.WritabilityChanged = Schedule;
        connection.ReadCompleted = DrainIfScheduled;
    }

    /// <summary>Stanzas accepted and not yet handed to the channel.</summary>
    public int Count => Volatile.Read(ref count);

    public void Enqueue(XElement stanza)
    {
        queue.Enqueue(stanza);
        Interlocked.Increment(ref count);
        Schedule();
    }

    /// <summary>Completes at once while the backlog is under its limit; otherwise when it has drained to half.</summary>
    public ValueTask WaitForRoomAsync(CancellationToken cancellationToken)
    {
        if (Count < highWater) return ValueTask.CompletedTask;
        Task waiter = room.Arm();
        if (Count < highWater) room.Release();
        return new ValueTask(waiter.WaitAsync(cancellationToken));
    }

    /// <summary>Takes back, in order, what was never handed to the channel (the connection closed first).</summary>
    public List<XElement> TakeUnsent()
    {
        var unsent = new List<XElement>();
        while (queue.TryDequeue(out XElement? stanza))
        {
            Interlocked.Decrement(ref count);
            unsent.Add(stanza);
        }
        ReleaseWaiters(); // they will find the connection gone and queue instead
        return unsent;
    }

    private void Schedule()
    {
        if (Interlocked.CompareExchange(ref scheduled, 1, 0) == 0) channel.EventLoop.Execute(drain);
    }

    /// <summary>
    /// At the end of a socket read, on the event loop: what the read's handlers sent goes out now, in one flush, rather
    /// than in the task queued behind the read (which would post the next socket read first). The queued task then
    /// finds nothing left.
    /// </summary>
    private void DrainIfScheduled()
    {
        if (Volatile.Read(ref scheduled) == 1) Drain();
    }

    private void Drain()
    {
        Volatile.Write(ref scheduled, 0);
        if (!channel.Active) return; // left for TakeUnsent
        int wrote = 0;
        while (channel.IsWritable && queue.TryDequeue(out XElement? stanza))
        {
            Task write = channel.WriteAsync(stanza);
            if (write.IsFaulted) Log.WriteFailed(connection.Logger, write.Exception!.GetBaseException(), connection.Options.DisplayName);
            if (Interlocked.Decrement(ref count) == lowWater) ReleaseWaiters();
            wrote++;
        }
        if (wrote == 0) return;
        channel.Flush();
        ComponentTelemetry.StanzasSent.Add(wrote, tag);
        // Not writable: the rest waits for the writability change, which schedules the next drain.
    }

    private void ReleaseWaiters() => room.Release();
}
