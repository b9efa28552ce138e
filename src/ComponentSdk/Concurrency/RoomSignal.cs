namespace ComponentSdk.Concurrency;

/// <summary>
/// Wakes the senders waiting for room in a bounded buffer. A waiter arms the signal, then checks for room itself
/// (so a release between its check and its wait is never missed); each release wakes everyone armed so far.
/// </summary>
internal sealed class RoomSignal
{
    private TaskCompletionSource? next;

    /// <summary>The task the next <see cref="Release"/> completes.</summary>
    public Task Arm() =>
        LazyInitializer.EnsureInitialized(ref next, static () => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Wakes every armed waiter; later waiters arm a fresh signal.</summary>
    public void Release() => Interlocked.Exchange(ref next, null)?.TrySetResult();
}
