namespace ComponentSdk;

/// <summary>The connection is not ready and the outgoing queue is full; the stanza was not accepted.</summary>
public sealed class OutgoingQueueFullException : XmppException
{
    /// <summary>Creates the exception.</summary>
    public OutgoingQueueFullException(int capacity)
        : base($"The outgoing queue is full ({capacity} stanzas) while the connection is not ready; the stanza was not accepted.") => Capacity = capacity;

    /// <summary>The queue's capacity (<see cref="LimitOptions.MaxQueuedStanzas"/>).</summary>
    public int Capacity { get; }
}
