using System.Globalization;
using System.Xml.Linq;
using ComponentSdk.Concurrency;
using ComponentSdk.Xml;

namespace ComponentSdk.Dispatch;

/// <summary>
/// Acknowledged delivery: keeps every stanza handed to the current connection until the server has provably
/// processed it, so that a lost connection puts back exactly what may not have arrived. The proof is a barrier: an
/// XEP-0199 ping addressed to ourselves, which the server routes back (or answers) only after everything sent
/// before it on the same stream. One barrier is outstanding at a time, so under load it costs one stanza per round
/// trip. Not thread-safe: the component calls it under its own lock.
/// </summary>
internal sealed class DeliveryTracker
{
    private static readonly XNamespace Ping = "urn:xmpp:ping";
    private static readonly XName OriginIdName = XName.Get("origin-id", Namespaces.StanzaIds);

    private readonly Queue<XElement> unconfirmed = new();
    private readonly string barrierPrefix;
    private readonly RoomSignal room = new();
    private long barrierCounter;
    private string? barrierId;
    private int covered;

    public DeliveryTracker()
    {
        // 64 random bits: a check's id cannot be guessed by anyone who has not seen it.
        string instance = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        barrierPrefix = "b-" + instance + "-";
    }

    /// <summary>Stanzas handed over and not yet confirmed.</summary>
    public int Count => unconfirmed.Count;

    /// <summary>True when <paramref name="id"/> belongs to one of our barriers (current or from a closed connection).</summary>
    public bool IsBarrier(string id) => id.StartsWith(barrierPrefix, StringComparison.Ordinal);

    /// <summary>
    /// Remembers <paramref name="stanza"/>. A message or presence that may be sent again gets a XEP-0359
    /// <c>&lt;origin-id/&gt;</c> when it has none, the same on every copy, so that the receiver can tell a copy from a
    /// new stanza without relying on the <c>id</c>, which senders may reuse (RFC 6120 §8.1.3). An iq gets none: its
    /// payload is its only child.
    /// </summary>
    public void Track(XElement stanza)
    {
        if (stanza.Name.LocalName is "message" or "presence" && stanza.Name.Namespace == XNamespace.None && stanza.Element(OriginIdName) is null)
            stanza.Add(new XElement(OriginIdName, new XAttribute("id", Guid.NewGuid().ToString("D"))));
        unconfirmed.Enqueue(stanza);
    }

    /// <summary>
    /// A barrier covering everything tracked so far, when none is outstanding and something waits for confirmation;
    /// otherwise null. <paramref name="self"/> is our address; <paramref name="stampFrom"/> is true for components,
    /// which must name the sender themselves.
    /// </summary>
    public XElement? NextBarrier(Jid self, bool stampFrom)
    {
        if (barrierId is not null || unconfirmed.Count == 0) return null;
        barrierId = barrierPrefix + (++barrierCounter).ToString(CultureInfo.InvariantCulture);
        covered = unconfirmed.Count;
        var barrier = new XElement("iq",
            new XAttribute("type", "get"), new XAttribute("id", barrierId), new XAttribute("to", self.ToString()),
            new XElement(Ping + "ping"));
        if (stampFrom) barrier.SetAttributeValue("from", self.ToString());
        return barrier;
    }

    /// <summary>The id of the outstanding barrier, if any.</summary>
    public string? OutstandingBarrier => barrierId;

    /// <summary>The barrier <paramref name="id"/> came back: what it covers is confirmed. False for a stale barrier.</summary>
    public bool TryConfirm(string id)
    {
        if (!string.Equals(id, barrierId, StringComparison.Ordinal)) return false;
        for (int i = 0; i < covered; i++) unconfirmed.Dequeue();
        barrierId = null;
        covered = 0;
        ReleaseWaiters();
        return true;
    }

    /// <summary>The server closed its stream in answer to ours, so it processed everything: all is confirmed.</summary>
    public void ConfirmAll()
    {
        unconfirmed.Clear();
        barrierId = null;
        covered = 0;
        ReleaseWaiters();
    }

    /// <summary>The connection is gone: takes back, oldest first, everything that may not have arrived.</summary>
    public List<XElement> TakeUnconfirmed()
    {
        var all = new List<XElement>(unconfirmed);
        unconfirmed.Clear();
        barrierId = null;
        covered = 0;
        ReleaseWaiters();
        return all;
    }

    /// <summary>Completes when fewer than <paramref name="limit"/> stanzas wait for confirmation.</summary>
    public Task WaitForRoomAsync(int limit, CancellationToken cancellationToken)
    {
        Task waiter = room.Arm();
        if (unconfirmed.Count < limit) room.Release();
        return waiter.WaitAsync(cancellationToken);
    }

    private void ReleaseWaiters() => room.Release();
}
