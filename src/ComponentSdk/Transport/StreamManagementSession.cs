using System.Diagnostics;
using System.Xml.Linq;

namespace ComponentSdk.Transport;

/// <summary>
/// One XEP-0198 session, which outlives the connection it was enabled on so that it can be resumed: the stanzas we
/// received (the <c>h</c> we report), what the server acknowledged of ours, and the stanzas it has not, in order.
/// </summary>
/// <remarks>
/// Counters are modulo 2^32 (XEP-0198 §4), hence <see cref="uint"/> arithmetic throughout. Only touched on the
/// component's event loop, which every connection of a component shares; <see cref="UnackedCount"/> may be read anywhere.
/// </remarks>
internal sealed class StreamManagementSession(Jid jid, string? id, TimeSpan? window)
{
    private readonly Queue<XElement> unacked = new();
    private List<XElement>? inFlight; // what the lost connection left unacknowledged, until the resumption's outcome
    private List<XElement>? arrivedBeforeRefusal;
    private long lostAt;
    private int unackedCount;

    /// <summary>The address bound on the session, kept by a resumption.</summary>
    public Jid Jid { get; } = jid;

    /// <summary>The server's id for resuming the session; null when it is not resumable.</summary>
    public string? Id { get; private set; } = id;

    /// <summary>How long the server keeps the session after a loss, as it announced (null: it did not say).</summary>
    public TimeSpan? Window { get; } = window;

    /// <summary>Stanzas received on the session: the <c>h</c> we report.</summary>
    public uint Received { get; private set; }

    /// <summary>The server's last <c>h</c>: how many of ours it has handled.</summary>
    public uint Acknowledged { get; private set; }

    /// <summary>Stanzas sent and not acknowledged yet.</summary>
    public int UnackedCount => Volatile.Read(ref unackedCount);

    /// <summary>True while a lost connection can still be resumed (the server's window, when it gave one, not over).</summary>
    public bool CanResume => Id is not null && (Window is not { } w || lostAt == 0 || Stopwatch.GetElapsedTime(lostAt) < w);

    public void OnReceived() => Received++;

    public void OnSent(XElement stanza)
    {
        unacked.Enqueue(stanza);
        Volatile.Write(ref unackedCount, unacked.Count);
    }

    /// <summary>
    /// The server handled <paramref name="h"/> stanzas of ours: those leave the unacknowledged ones. False when it
    /// claims more than was sent (everything is then taken as acknowledged).
    /// </summary>
    public bool Acknowledge(uint h)
    {
        uint newly = unchecked(h - Acknowledged);
        bool valid = newly <= (uint)unacked.Count;
        for (uint i = 0; i < newly && unacked.Count > 0; i++) unacked.Dequeue();
        Acknowledged = h;
        Volatile.Write(ref unackedCount, unacked.Count);
        return valid;
    }

    /// <summary>
    /// The connection was lost: takes the unacknowledged stanzas, oldest first, to be sent again (on a resumed or a
    /// new session), without those that belonged to the lost connection alone. Remembers them all for <see cref="Resumed"/>.
    /// </summary>
    public List<XElement> TakeUnacked()
    {
        inFlight = [.. unacked];
        unacked.Clear();
        Volatile.Write(ref unackedCount, 0);
        lostAt = Stopwatch.GetTimestamp();
        List<XElement> again = inFlight.FindAll(s => !TransientStanza.Is(s));
        LeftUnacked = again.Count;
        return again;
    }

    /// <summary>How many stanzas the last lost connection left unacknowledged (liveness pings aside).</summary>
    public int LeftUnacked { get; private set; }

    /// <summary>
    /// The session was resumed and the server had handled <paramref name="h"/> of ours: returns those of the stanzas
    /// taken by <see cref="TakeUnacked"/> that did arrive (not to be sent again); counting goes on from there.
    /// </summary>
    public List<XElement> Resumed(uint h)
    {
        List<XElement> lost = inFlight ?? [];
        int arrived = (int)Math.Min(unchecked(h - Acknowledged), (uint)lost.Count);
        Acknowledged = h;
        inFlight = null;
        lostAt = 0;
        return lost.GetRange(0, arrived).FindAll(s => !TransientStanza.Is(s));
    }

    /// <summary>Why the session could not be resumed, once the server refused.</summary>
    public string? RefusedBecause { get; private set; }

    /// <summary>
    /// The server refused to resume the session, for <paramref name="reason"/>; <paramref name="h"/>, when it said, is
    /// how many of ours it had handled (XEP-0198 §5), which then need not be sent again (see <see cref="TakeArrived"/>).
    /// </summary>
    public void Refused(string reason, uint? h)
    {
        if (h is { } handled && inFlight is not null) arrivedBeforeRefusal = Resumed(handled);
        Id = null;
        inFlight = null;
        RefusedBecause = reason;
    }

    /// <summary>What a refusal said had arrived anyway (taken once); empty when it did not say.</summary>
    public List<XElement> TakeArrived()
    {
        List<XElement> arrived = arrivedBeforeRefusal ?? [];
        arrivedBeforeRefusal = null;
        return arrived;
    }
}
