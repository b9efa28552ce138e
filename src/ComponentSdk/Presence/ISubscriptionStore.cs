namespace ComponentSdk.Presence;

/// <summary>
/// Who is subscribed to which address a component serves. A component has no server-side roster: the store is what
/// tells it, after a restart, whom to send its presence. <see cref="InMemorySubscriptionStore"/> keeps them in memory.
/// </summary>
public interface ISubscriptionStore
{
    /// <summary>Records that <paramref name="subscriber"/> (a bare JID) receives the presence of <paramref name="served"/>.</summary>
    ValueTask AddAsync(Jid subscriber, Jid served, CancellationToken cancellationToken);

    /// <summary>Forgets a subscription; false when there was none.</summary>
    ValueTask<bool> RemoveAsync(Jid subscriber, Jid served, CancellationToken cancellationToken);

    /// <summary>True when <paramref name="subscriber"/> receives the presence of <paramref name="served"/>.</summary>
    ValueTask<bool> ContainsAsync(Jid subscriber, Jid served, CancellationToken cancellationToken);

    /// <summary>Every subscription, to announce the component's presence.</summary>
    ValueTask<IReadOnlyList<(Jid Subscriber, Jid Served)>> ListAsync(CancellationToken cancellationToken);
}
