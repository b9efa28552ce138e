using System.Xml.Linq;

namespace ComponentSdk.Presence;

/// <summary>How a component answers presence for the addresses it serves.</summary>
public sealed class PresenceOptions
{
    /// <summary>
    /// Whether an address of the component's domain exists (the domain itself and <c>user@domain</c>); presence to one
    /// that does not is answered with <c>item-not-found</c>. Every address by default.
    /// </summary>
    public Func<Jid, bool> Serves { get; init; } = static _ => true;

    /// <summary>Decides on a subscription request (subscriber's bare JID, the served address). Accepts all by default.</summary>
    public Func<Jid, Jid, CancellationToken, ValueTask<SubscriptionDecision>> OnSubscribe { get; init; } =
        static (_, _, _) => ValueTask.FromResult(SubscriptionDecision.Accept);

    /// <summary>
    /// The presence a served address shows while the component is connected (its children: <c>show</c>,
    /// <c>status</c>...; the SDK sets the addresses), or null for unavailable. Plain available by default.
    /// </summary>
    public Func<Jid, XElement?> PresenceOf { get; init; } = static _ => new XElement("presence");

    /// <summary>Where subscriptions are kept; in memory by default.</summary>
    public ISubscriptionStore Store { get; init; } = new InMemorySubscriptionStore();
}
