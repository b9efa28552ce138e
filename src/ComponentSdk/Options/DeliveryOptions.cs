namespace ComponentSdk;

/// <summary>
/// What becomes of the stanzas a component sends (configuration section <c>Component:Delivery</c>): the outgoing
/// queue, acknowledged delivery, and the duplicates a peer sends again.
/// </summary>
public sealed class DeliveryOptions
{
    /// <summary>The largest <see cref="DuplicateWindow"/> accepted.</summary>
    public const int MaxDuplicateWindow = 1 << 20;

    /// <summary>
    /// Acknowledged delivery: stanzas handed to the connection are kept until the server has provably processed them
    /// (a delivery check, a ping addressed to ourselves, comes back after them, one per round trip), and those not yet
    /// confirmed when the connection drops go back to the front of the outgoing queue, in order, to be sent again.
    /// Messages and presences get a XEP-0359 <c>&lt;origin-id/&gt;</c> (the same on every copy) when they have none,
    /// written as the last child on the wire (the element itself is not changed; <c>Stanza.OriginId</c> returns it). A
    /// stanza may then arrive twice (the receiver drops repeats by origin-id with <see cref="DuplicateWindow"/>), but
    /// none is lost. Off by default; on by default for hosted components.
    /// </summary>
    public bool? Acknowledged { get; set; }

    /// <summary>
    /// With acknowledged delivery: the least time between two delivery checks, unless 256 stanzas already wait for
    /// one. A component sending one stanza at a time then costs one check per interval rather than one per stanza;
    /// under load there is one per round trip. Longer means more stanzas sent again (and dropped as repeats by the
    /// receiver) after a lost connection. Default 10 ms; zero checks as soon as none is outstanding.
    /// </summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// With acknowledged delivery: how long the first delivery check of a connection may go unanswered before the
    /// component concludes that the server does not route what it addresses to itself. The connection then confirms
    /// delivery at the socket only (a warning says so, and <see cref="ConnectionStatus.DeliveryChecksUnanswered"/> is
    /// raised), rather than holding every stanza for a confirmation that never comes. Default 3 s.
    /// </summary>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// With acknowledged delivery: how many connections a stanza may be written to before it is given up on, when each
    /// ended before the server confirmed it (a server that refuses the stanza ends the stream every time). After a
    /// loss, unconfirmed stanzas are sent again a few at a time, and one on its last attempt alone, so only the stanza
    /// at fault reaches the limit. A dropped stanza raises <see cref="ConnectionStatus.StanzaDropped"/> and logs a
    /// warning naming it. Default 3.
    /// </summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// Drop received stanzas whose sender and XEP-0359 origin-id were seen among the last this many (copies sent again
    /// by a peer using acknowledged delivery after a reconnect). Only the origin-id counts, never the <c>id</c>, which
    /// senders may reuse: a stanza without an origin-id is always kept. 0, the default, keeps every stanza; hosted
    /// components use 10,000 unless told otherwise. At most <see cref="MaxDuplicateWindow"/> (each entry costs 24 to
    /// 40 bytes).
    /// </summary>
    public int? DuplicateWindow { get; set; }

    /// <summary>
    /// Send the outgoing queue automatically each time the connection becomes ready, before anything sent after.
    /// Off by default, as in PCJ: stanzas queued while disconnected may be stale, so the application decides with
    /// <c>PurgeQueueAsync</c>. Hosted components turn it on unless told otherwise.
    /// </summary>
    public bool? PurgeQueueOnReady { get; set; }

    /// <summary>
    /// What <c>SendAsync</c> does when the outgoing queue is full: <see cref="QueueFullPolicy.Fail"/> (the default)
    /// throws <see cref="OutgoingQueueFullException"/>, <see cref="QueueFullPolicy.Wait"/> waits for room. Never a silent drop.
    /// </summary>
    public QueueFullPolicy QueueFullPolicy { get; set; } = QueueFullPolicy.Fail;

    /// <summary>
    /// After the connection is lost, send requests still waiting for a reply again (in the order they were made)
    /// instead of failing them with <see cref="ConnectionLostException"/>. Off by default: only idempotent requests
    /// should be repeated.
    /// </summary>
    public bool ResendPendingRequests { get; set; }

    internal DeliveryOptions Clone() => (DeliveryOptions)MemberwiseClone();

    internal void AddFailures(List<string> failures)
    {
        if (DuplicateWindow is < 0 or > MaxDuplicateWindow) failures.Add($"Delivery:DuplicateWindow must be between 0 and {MaxDuplicateWindow}.");
        if (CheckInterval < TimeSpan.Zero) failures.Add("Delivery:CheckInterval must not be negative.");
        if (CheckTimeout <= TimeSpan.Zero) failures.Add("Delivery:CheckTimeout must be positive.");
        if (MaxAttempts < 1) failures.Add("Delivery:MaxAttempts must be at least 1.");
        if (!Enum.IsDefined(QueueFullPolicy)) failures.Add("Delivery:QueueFullPolicy must be Fail or Wait.");
    }
}
