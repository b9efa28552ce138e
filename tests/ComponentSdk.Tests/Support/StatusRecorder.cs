using System.Collections.Concurrent;

namespace ComponentSdk.Tests.Support;

/// <summary>Records a component's status events in order and lets a test wait for one.</summary>
internal sealed class StatusRecorder
{
    private readonly ConcurrentQueue<ConnectionStatusEventArgs> events = new();
    private readonly SemaphoreSlim arrived = new(0);

    public StatusRecorder(Component component) => component.StatusChanged += (_, e) =>
    {
        events.Enqueue(e);
        arrived.Release();
    };

    public IReadOnlyList<ConnectionStatusEventArgs> Events => [.. events];

    public IReadOnlyList<ConnectionStatus> Statuses => events.Select(e => e.Status).ToList();

    /// <summary>Waits until <paramref name="status"/> has been raised (counting ones already raised).</summary>
    public async Task<ConnectionStatusEventArgs> WaitForAsync(ConnectionStatus status, TimeSpan? timeout = null)
    {
        DateTime deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            ConnectionStatusEventArgs? found = events.FirstOrDefault(e => e.Status == status);
            if (found is not null) return found;
            TimeSpan left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await arrived.WaitAsync(left)) throw new TimeoutException($"No {status} status; saw: {string.Join(", ", Statuses)}");
        }
    }
}
