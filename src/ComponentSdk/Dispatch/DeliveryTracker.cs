using System.Globalization;
using System.Xml.Linq;
using ComponentSdk.Concurrency;
using ComponentSdk.Xml;

namespace ComponentSdk.Dispatch;

/// <summary>
/// Acknowledged delivery: keeps every stanza handed to the current connection until the server has provably
/// processed it, so that a lost connection puts back exactly what may not have arrived. The proof is a delivery
/// check: an XEP-0199 ping addressed to ourselves, which the server routes back only after everything sent before it
/// on the same stream. One check is outstanding at a time, so under load it costs one stanza per round trip.
/// </summary>
/// <remarks>
/// <para>
/// Each connection starts with a probe: a check sent as soon as it is ready. A server that never answers it (one that
/// does not route what a component addresses to itself) would otherwise hold every stanza unconfirmed for ever; after
/// the probe goes unanswered the connection falls back to delivery at the socket (<see cref="SocketOnly"/>): nothing
/// is kept, as without acknowledged delivery.
/// </para>
/// <para>
/// A stanza counts its attempts: each connection that ended while it was unconfirmed is one. The component resends
/// such stanzas carefully (see <see cref="Attempts"/>), and gives up on one that reaches the limit.
/// </para>
/// Not thread-safe: the component calls it under its own lock.
/// </remarks>
internal sealed class DeliveryTracker
{
    private static readonly XNamespace Ping = "urn:xmpp:ping";

    private readonly Queue<XElement> unconfirmed = new();
    private readonly string barrierPrefix;
    private readonly RoomSignal room = new();
    private long barrierCounter;
    private string? barrierId;
    private int covered;
    private bool probeSent;

    public DeliveryTracker()
    {
        // 64 random bits: a check's id cannot be guessed by anyone who has not seen it.
        string instance = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        barrierPrefix = "b-" + instance + "-";
    }

    /// <summary>Stanzas handed over and not yet confirmed.</summary>
    public int Count => unconfirmed.Count;

    /// <summary>
    /// True on a connection whose server did not answer the probe, or where stream management confirms instead: stanzas
    /// are not kept here, and no checks are sent.
    /// </summary>
    public bool SocketOnly { get; private set; }

    /// <summary>True until the connection's server has answered a check: the outstanding one is then the probe.</summary>
    public bool Probing { get; private set; }

    /// <summary>True when the probe of this connection is still to be sent.</summary>
    public bool NeedsProbe => Probing && !probeSent && !SocketOnly;

    /// <summary>True when <paramref name="id"/> belongs to one of our barriers (current or from a closed connection).</summary>
    public bool IsBarrier(string id) => id.StartsWith(barrierPrefix, StringComparison.Ordinal);

    /// <summary>A connection became ready: probe its server again, whatever the one before did.</summary>
    public void StartConnection()
    {
        SocketOnly = false;
        Probing = true;
        probeSent = false;
        barrierId = null;
        covered = 0;
    }

    /// <summary>How many connections ended while <paramref name="stanza"/> was unconfirmed.</summary>
    public static int Attempts(XElement stanza) => stanza.Annotation<DeliveryAttempts>()?.Count ?? 0;

    /// <summary>
    /// Remembers <paramref name="stanza"/>. A message or presence that may be sent again gets a XEP-0359
    /// <c>&lt;origin-id/&gt;</c> when it has none, the same on every copy, so that the receiver can tell a copy from a
    /// new stanza without relying on the <c>id</c>, which senders may reuse (RFC 6120 §8.1.3). An iq gets none: its
    /// payload is its only child.
    /// </summary>
    public void Track(XElement stanza)
    {
        StampOriginId(stanza);
        unconfirmed.Enqueue(stanza);
    }

    /// <summary>Gives a message or presence that may be sent again a XEP-0359 <c>&lt;origin-id/&gt;</c> (see <see cref="Track"/>).</summary>
    public static void StampOriginId(XElement stanza)
    {
        if (stanza.Name.LocalName is "message" or "presence" && stanza.Name.Namespace == XNamespace.None)
            OriginIdStamp.TryStamp(stanza, OriginIds.Next());
    }

    /// <summary>
    /// The connection has XEP-0198 stream management, whose acks confirm what the server received: nothing is kept
    /// here and no checks are sent, as with <see cref="SocketOnly"/>, without the warning of a fallback.
    /// </summary>
    public void ConfirmedByStreamManagement()
    {
        SocketOnly = true;
        Probing = false;
        barrierId = null;
        covered = 0;
    }

    /// <summary>
    /// A barrier covering everything tracked so far, when none is outstanding and something waits for confirmation
    /// (or the probe is due); otherwise null. <paramref name="self"/> is our address; <paramref name="stampFrom"/> is
    /// true for components, which must name the sender themselves.
    /// </summary>
    public XElement? NextBarrier(Jid self, bool stampFrom)
    {
        if (SocketOnly || barrierId is not null || (unconfirmed.Count == 0 && !NeedsProbe)) return null;
        probeSent = true;
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
        Probing = false;
        ReleaseWaiters();
        return true;
    }

    /// <summary>
    /// The probe went unanswered: from now on this connection confirms at the socket. What was tracked is let go, as
    /// without acknowledged delivery (what the socket has not taken yet still goes back to the queue on a loss).
    /// </summary>
    public void FallBackToSocket()
    {
        SocketOnly = true;
        Probing = false;
        unconfirmed.Clear();
        barrierId = null;
        covered = 0;
        ReleaseWaiters();
    }

    /// <summary>
    /// The connection is gone: takes back, oldest first, everything that may not have arrived, each charged with
    /// the attempt it just used up, except those in <paramref name="chargeExcept"/> (never written to the socket);
    /// none when <paramref name="chargeExcept"/> is null (the server proved it processed them all).
    /// </summary>
    public List<XElement> TakeUnconfirmed(IReadOnlySet<XElement>? chargeExcept)
    {
        var all = new List<XElement>(unconfirmed);
        if (chargeExcept is not null)
        {
            foreach (XElement stanza in all)
            {
                if (chargeExcept.Contains(stanza)) continue;
                if (stanza.Annotation<DeliveryAttempts>() is { } attempts) attempts.Count++;
                else stanza.AddAnnotation(new DeliveryAttempts { Count = 1 });
            }
        }
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

    /// <summary>The attempts a stanza has used up, carried with it through the outgoing queue.</summary>
    private sealed class DeliveryAttempts
    {
        public int Count;
    }
}
