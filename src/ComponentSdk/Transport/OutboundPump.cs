using System.Collections.Concurrent;
using System.Xml.Linq;
using ComponentSdk.Diagnostics;
using ComponentSdk.Concurrency;
using ComponentSdk.Xml;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Transport;

/// <summary>
/// Carries stanzas from any thread to the connection's event loop: callers enqueue without blocking, and one
/// event-loop task writes everything queued so far and flushes once, so a burst costs one wake-up and one
/// system call rather than one per stanza. Order is the order of <see cref="Enqueue"/>. Writing stops while the
/// channel is not writable (DotNetty's high-water mark) and resumes when it is; callers wait in
/// <see cref="WaitForRoomAsync"/> while more than the backlog limit is waiting. Our closing tag goes through it too
/// (<see cref="EndStreamAsync"/>), behind what was enqueued before it; nothing is written after it (the rest stays for
/// <see cref="TakeUnsent"/>), as a peer takes bytes after the end of the stream for malformed XML.
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
    // Set when EndStreamAsync queued our closing tag; completed once it was written.
    private TaskCompletionSource? footer;
    private bool ended;

    // Stands for the closing tag in the queue; never written as an element.
    private static readonly XElement FooterMarker = new("end-of-stream");

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

    /// <summary>
    /// Queues our <c>&lt;/stream:stream&gt;</c> behind everything enqueued so far; the task completes once it was
    /// written and flushed. Call after <see cref="ConnectionContext.MarkFooterSent"/> returned true.
    /// </summary>
    public Task EndStreamAsync()
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref footer, written, null) is { } already) return already.Task;
        queue.Enqueue(FooterMarker);
        Schedule();
        return written.Task;
    }

    /// <summary>Takes back, in order, what was never handed to the channel (the connection closed first).</summary>
    public List<XElement> TakeUnsent()
    {
        var unsent = new List<XElement>();
        while (queue.TryDequeue(out XElement? stanza))
        {
            if (ReferenceEquals(stanza, FooterMarker)) continue;
            Interlocked.Decrement(ref count);
            unsent.Add(stanza);
        }
        footer?.TrySetException(new ConnectionLostException("The connection closed before the closing tag was written."));
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
        // Left for TakeUnsent: the socket is gone, or the stream is over (our closing tag was written here, or by an error
        // path that closes the socket right after it).
        if (!channel.Active || ended || (connection.FooterSent && Volatile.Read(ref footer) is null)) return;
        int wrote = 0;
        while (channel.IsWritable && queue.TryDequeue(out XElement? stanza))
        {
            if (ReferenceEquals(stanza, FooterMarker))
            {
                ended = true;
                WriteFooter(wrote);
                return;
            }
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

    private void WriteFooter(int stanzasBefore)
    {
        if (stanzasBefore > 0) ComponentTelemetry.StanzasSent.Add(stanzasBefore, tag);
        TaskCompletionSource written = footer!;
        channel.WriteAndFlushAsync(StreamFooter.Instance).ContinueWith(static (write, state) =>
        {
            var done = (TaskCompletionSource)state!;
            if (write.IsFaulted) done.TrySetException(write.Exception!.InnerExceptions);
            else done.TrySetResult();
        }, written, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void ReleaseWaiters() => room.Release();
}
