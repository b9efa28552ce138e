using System.Xml.Linq;
using ComponentSdk.Concurrency;

namespace ComponentSdk.Dispatch;

/// <summary>
/// Stanzas accepted while the connection is not ready (PCJ's queue): kept in order across reconnects, sent only
/// when the application purges the queue (or, by option, when the connection becomes ready).
/// </summary>
internal sealed class OutgoingQueue(int capacity)
{
    private readonly LinkedList<XElement> items = new();
    private readonly object gate = new();
    private readonly RoomSignal room = new();

    public int Count
    {
        get { lock (gate) return items.Count; }
    }

    public int Capacity => capacity;

    /// <summary>Appends; false when the queue is full.</summary>
    public bool TryEnqueue(XElement stanza)
    {
        lock (gate)
        {
            if (items.Count >= capacity) return false;
            items.AddLast(stanza);
            return true;
        }
    }

    /// <summary>Puts stanzas back at the front, in their order (they were accepted before anything queued since).</summary>
    public void Requeue(IReadOnlyList<XElement> stanzas)
    {
        lock (gate)
        {
            for (int i = stanzas.Count - 1; i >= 0; i--) items.AddFirst(stanzas[i]);
        }
    }

    /// <summary>Takes out the given stanzas (by reference) wherever they are; returns how many were found.</summary>
    public int Remove(IReadOnlyCollection<XElement> stanzas)
    {
        if (stanzas.Count == 0) return 0;
        var remove = new HashSet<XElement>(stanzas, ReferenceEqualityComparer.Instance);
        int removed = 0;
        lock (gate)
        {
            for (LinkedListNode<XElement>? node = items.First; node is not null && removed < remove.Count;)
            {
                LinkedListNode<XElement>? next = node.Next;
                if (remove.Contains(node.Value))
                {
                    items.Remove(node);
                    removed++;
                }
                node = next;
            }
        }
        if (removed > 0) ReleaseWaiters();
        return removed;
    }

    /// <summary>The oldest stanza, or null when the queue is empty.</summary>
    public XElement? Peek()
    {
        lock (gate) return items.First?.Value;
    }

    /// <summary>Takes out, oldest first, up to <paramref name="limit"/> stanzas from the front while <paramref name="take"/> holds.</summary>
    public List<XElement> TakeFront(int limit, Func<XElement, bool> take)
    {
        var taken = new List<XElement>();
        lock (gate)
        {
            while (taken.Count < limit && items.First is { } first && take(first.Value))
            {
                taken.Add(first.Value);
                items.RemoveFirst();
            }
        }
        if (taken.Count > 0) ReleaseWaiters();
        return taken;
    }

    /// <summary>Takes everything out, oldest first.</summary>
    public List<XElement> TakeAll()
    {
        List<XElement> all;
        lock (gate)
        {
            all = new List<XElement>(items);
            items.Clear();
        }
        ReleaseWaiters();
        return all;
    }

    /// <summary>Wakes the callers of <see cref="WaitForRoomAsync"/> so they try again (the connection became ready).</summary>
    public void ReleaseWaiters() => room.Release();

    /// <summary>Completes when the queue has room (after a purge), or when <see cref="ReleaseWaiters"/> is called.</summary>
    public Task WaitForRoomAsync(CancellationToken cancellationToken)
    {
        Task waiter = room.Arm();
        if (Count < capacity) room.Release();
        return waiter.WaitAsync(cancellationToken);
    }

    public IReadOnlyList<XElement> Snapshot()
    {
        lock (gate) return [.. items];
    }
}
