using System.Collections.Concurrent;
using System.Xml.Linq;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Transport;

/// <summary>
/// Carries stanzas from any thread to the connection's event loop: callers enqueue without blocking, and one
/// event-loop task writes everything queued so far and flushes once, so a burst costs one wake-up and one
/// system call rather than one per stanza. Order is the order of <see cref="Enqueue"/>.
/// </summary>
internal sealed class OutboundPump
{
    private readonly IChannel channel;
    private readonly ConnectionContext connection;
    private readonly ConcurrentQueue<XElement> queue = new();
    private readonly Action drain;
    private int scheduled;
    private int count;

    public OutboundPump(IChannel channel, ConnectionContext connection)
    {
        this.channel = channel;
        this.connection = connection;
        drain = Drain;
    }

    /// <summary>Stanzas accepted and not yet handed to the channel.</summary>
    public int Count => Volatile.Read(ref count);

    public void Enqueue(XElement stanza)
    {
        queue.Enqueue(stanza);
        Interlocked.Increment(ref count);
        if (Interlocked.CompareExchange(ref scheduled, 1, 0) == 0) channel.EventLoop.Execute(drain);
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
        return unsent;
    }

    private void Drain()
    {
        Volatile.Write(ref scheduled, 0);
        if (!channel.Active) return; // left for TakeUnsent
        bool wrote = false;
        while (queue.TryDequeue(out XElement? stanza))
        {
            Interlocked.Decrement(ref count);
            Task write = channel.WriteAsync(stanza);
            if (write.IsFaulted) Log.WriteFailed(connection.Logger, write.Exception!.GetBaseException(), connection.Options.DisplayName);
            wrote = true;
        }
        if (wrote) channel.Flush();
    }
}
