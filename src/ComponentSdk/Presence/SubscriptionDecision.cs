namespace ComponentSdk.Presence;

/// <summary>What a component does with a request to subscribe to the presence of an address it serves.</summary>
public enum SubscriptionDecision
{
    /// <summary>Approve it at once (<c>subscribed</c>) and send the address's presence.</summary>
    Accept,

    /// <summary>Refuse it (<c>unsubscribed</c>).</summary>
    Refuse,

    /// <summary>Decide later, with <see cref="ServedPresence.ApproveAsync"/> or <see cref="ServedPresence.RefuseAsync"/>.</summary>
    Ask,
}
