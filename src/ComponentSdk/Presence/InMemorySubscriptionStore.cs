using System.Collections.Concurrent;

namespace ComponentSdk.Presence;

/// <summary>Subscriptions kept in memory: lost when the process ends (use a store of your own to keep them).</summary>
public sealed class InMemorySubscriptionStore : ISubscriptionStore
{
    private readonly ConcurrentDictionary<(Jid Subscriber, Jid Served), byte> subscriptions = new();

    /// <inheritdoc/>
    public ValueTask AddAsync(Jid subscriber, Jid served, CancellationToken cancellationToken)
    {
        subscriptions.TryAdd((subscriber, served), 0);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<bool> RemoveAsync(Jid subscriber, Jid served, CancellationToken cancellationToken) =>
        ValueTask.FromResult(subscriptions.TryRemove((subscriber, served), out _));

    /// <inheritdoc/>
    public ValueTask<bool> ContainsAsync(Jid subscriber, Jid served, CancellationToken cancellationToken) =>
        ValueTask.FromResult(subscriptions.ContainsKey((subscriber, served)));

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<(Jid Subscriber, Jid Served)>> ListAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<(Jid, Jid)>>([.. subscriptions.Keys]);
}
