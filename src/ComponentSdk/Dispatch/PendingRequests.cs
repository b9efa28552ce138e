using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.Dispatch;

/// <summary>
/// Requests waiting for their reply, by id (PCJ's return_to_sender). A stanza carrying a pending id is the reply only
/// when it comes from the request's recipient (RFC 6120 §10.1; for a request without <c>to</c>, from the server, from
/// our own address or without <c>from</c>) and, for an iq, is a <c>result</c> or an <c>error</c>; anything else with
/// that id is ordinary traffic. Ids made here carry 96 random bits, so nobody can guess the next one. A reply is
/// delivered exactly once. A request remembers the connection it was handed to, so that losing that connection fails
/// it, while a request still waiting in the outgoing queue keeps waiting.
/// </summary>
internal sealed class PendingRequests
{
    private readonly ConcurrentDictionary<string, Entry> pending = new(StringComparer.Ordinal);
    private long sequence;
    private int count;

    private sealed class Entry(XElement request, long order)
    {
        public TaskCompletionSource<XElement> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public XElement Request { get; } = request;

        public long Order { get; } = order;

        public object? SentOn;

        /// <summary>Whether <paramref name="reply"/> can be the answer: the right kind of stanza, from the right sender.</summary>
        public bool Accepts(XElement reply, Jid? self, string? server)
        {
            if (Request.Name.LocalName == "iq" && (reply.Name.LocalName != "iq" || reply.Type() is not ("result" or "error"))) return false;
            string? from = reply.From();
            // A stanza without 'from' is from our own account (RFC 6120 §8.1.2.1).
            if (Request.To() is { } to) return Jid.SameAddress(from, to) || (from is null && self is not null && Jid.SameAddress(to, self.Bare.ToString()));
            // No 'to': the request went to the server on our behalf, which answers as itself, as us, or without 'from'.
            return from is null || Jid.SameAddress(from, server)
                || (self is not null && (Jid.SameAddress(from, self.ToString()) || Jid.SameAddress(from, self.Bare.ToString())));
        }
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

    /// <summary>
    /// Delivers <paramref name="reply"/> when its id is pending and it comes from the request's recipient (see the
    /// class); false otherwise. <paramref name="self"/> is our address, <paramref name="server"/> the server's domain.
    /// </summary>
    public bool TryComplete(XElement reply, Jid? self, string? server)
    {
        // Called for every stanza received: a lock-free miss first, as TryRemove always takes a lock.
        if (Count == 0 || reply.Id() is not { } id || !pending.TryGetValue(id, out Entry? entry) || !entry.Accepts(reply, self, server)) return false;
        if (!TryRemove(id, out entry)) return false;
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

    /// <summary>The requests handed to <paramref name="from"/> now wait on <paramref name="to"/> (a resumed session).</summary>
    public void MoveSentOn(object from, object to)
    {
        foreach (Entry entry in pending.Values) Interlocked.CompareExchange(ref entry.SentOn, to, from);
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

    private static string NewId()
    {
        Span<byte> random = stackalloc byte[12];
        RandomNumberGenerator.Fill(random);
        return Convert.ToHexStringLower(random);
    }
}
