using System.Collections.Concurrent;
using System.Globalization;
using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.Dispatch;

/// <summary>
/// Requests waiting for their reply, by id (PCJ's return_to_sender). Any top-level element carrying a pending id
/// is the reply, whatever its name, type or sender, and is delivered exactly once. A request remembers the
/// connection it was handed to, so that losing that connection fails it, while a request still waiting in the
/// outgoing queue keeps waiting.
/// </summary>
internal sealed class PendingRequests
{
    private readonly ConcurrentDictionary<string, Entry> pending = new(StringComparer.Ordinal);
    private readonly string prefix = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 6));
    private long counter;
    private long sequence;
    private int count;

    private sealed class Entry(XElement request, long order)
    {
        public TaskCompletionSource<XElement> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public XElement Request { get; } = request;

        public long Order { get; } = order;

        public object? SentOn;
    }

    /// <summary>How many requests wait. Kept apart from the dictionary, whose own Count and IsEmpty take every lock.</summary>
    public int Count => Volatile.Read(ref count);

    public IReadOnlyCollection<string> Ids => pending.Keys.ToArray();

    /// <summary>
    /// Registers <paramref name="request"/>: a caller's id is kept unless it is already pending, in which case (as
    /// when there is none) a fresh unique id is set on the element.
    /// </summary>
    public (string Id, Task<XElement> Reply) Register(XElement request)
    {
        var entry = new Entry(request, Interlocked.Increment(ref sequence));
        string? id = request.Id();
        if (string.IsNullOrEmpty(id) || !pending.TryAdd(id, entry))
        {
            do id = NewId();
            while (!pending.TryAdd(id, entry));
            request.SetAttributeValue(XmppNames.Id, id);
        }
        Interlocked.Increment(ref count);
        return (id, entry.Completion.Task);
    }

    /// <summary>Notes that <paramref name="stanza"/>, if it is a pending request, was handed to <paramref name="connection"/>.</summary>
    public void MarkSent(XElement stanza, object? connection)
    {
        // Called for every stanza sent: with no request waiting (the usual case) it touches nothing shared.
        if (Count == 0 || stanza.Id() is not { } id || !pending.TryGetValue(id, out Entry? entry)) return;
        Volatile.Write(ref entry.SentOn, connection);
    }

    /// <summary>Delivers <paramref name="reply"/> when its id is pending; false otherwise.</summary>
    public bool TryComplete(XElement reply)
    {
        // Called for every stanza received: a lock-free miss first, as TryRemove always takes a lock.
        if (Count == 0 || reply.Id() is not { } id || !pending.ContainsKey(id) || !TryRemove(id, out Entry? entry)) return false;
        entry.Completion.TrySetResult(reply);
        return true;
    }

    /// <summary>Fails the request <paramref name="stanza"/> answers, if it is pending (a bounced route).</summary>
    public bool TryFail(XElement stanza, Exception error)
    {
        string? id = stanza.Id();
        if (id is null || !TryRemove(id, out Entry? entry)) return false;
        entry.Completion.TrySetException(error);
        return true;
    }

    public void Forget(string id) => TryRemove(id, out _);

    /// <summary>Fails the requests handed to <paramref name="connection"/>, which is gone; queued ones keep waiting.</summary>
    public void FailSentOn(object connection, Exception error)
    {
        foreach ((string id, Entry entry) in pending)
        {
            if (ReferenceEquals(Volatile.Read(ref entry.SentOn), connection) && TryRemove(id, out _)) entry.Completion.TrySetException(error);
        }
    }

    /// <summary>
    /// Takes back, in the order they were made, the requests handed to <paramref name="connection"/> (which is gone),
    /// to be sent again: they keep waiting for their reply.
    /// </summary>
    public List<XElement> TakeSentOn(object connection)
    {
        var entries = new List<Entry>();
        foreach (Entry entry in pending.Values)
        {
            if (ReferenceEquals(Interlocked.CompareExchange(ref entry.SentOn, null, connection), connection)) entries.Add(entry);
        }
        entries.Sort(static (a, b) => a.Order.CompareTo(b.Order));
        return entries.ConvertAll(static e => e.Request);
    }

    private bool TryRemove(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Entry? entry)
    {
        if (!pending.TryRemove(id, out entry)) return false;
        Interlocked.Decrement(ref count);
        return true;
    }

    private string NewId() => prefix + "-" + Interlocked.Increment(ref counter).ToString("x", CultureInfo.InvariantCulture);
}
