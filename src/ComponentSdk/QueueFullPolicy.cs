namespace ComponentSdk;

/// <summary>What <c>SendAsync</c> does when the outgoing queue is full while the connection is not ready.</summary>
public enum QueueFullPolicy
{
    /// <summary>Throw <see cref="OutgoingQueueFullException"/>: the stanza is not accepted.</summary>
    Fail,

    /// <summary>Wait until the queue has room (a purge, or the connection becoming ready with <c>PurgeQueueOnReady</c>).</summary>
    Wait,
}
