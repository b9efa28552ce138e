using System.Threading.Channels;

namespace ComponentSdk.Dispatch;

/// <summary>
/// Runs the application's code (handlers, filters, status events) off the event loop, one item at a time in the
/// order posted, so a handler that blocks never stalls the connection and ordering per connection holds. The
/// depth is watched so that the connection can stop reading while the application is behind (backpressure).
/// </summary>
internal sealed class Dispatcher
{
    private readonly Channel<DispatchItem> work = Channel.CreateUnbounded<DispatchItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<DispatchItem, ValueTask> process;
    private readonly Action backlogCrossedMark;
    private readonly Task loop;
    private int depth;

    /// <param name="process">Handles one item; exceptions are the caller's to catch.</param>
    /// <param name="highWater">Above this many waiting items reading should stop; at half of it, start again.</param>
    /// <param name="backlogCrossedMark">
    /// Called, from whichever thread moved the depth, when it rises above <paramref name="highWater"/> or falls to half
    /// of it. Crossings seen on different threads can be reported out of order, so the callee decides from
    /// <see cref="Depth"/> at the time it acts rather than from which mark was crossed.
    /// </param>
    public Dispatcher(Func<DispatchItem, ValueTask> process, int highWater, Action backlogCrossedMark)
    {
        this.process = process;
        this.backlogCrossedMark = backlogCrossedMark;
        HighWater = highWater;
        LowWater = Math.Max(0, highWater / 2);
        loop = Task.Run(RunAsync);
    }

    public int HighWater { get; }

    public int LowWater { get; }

    public int Depth => Volatile.Read(ref depth);

    /// <summary>Completes when <see cref="Stop"/> was called and everything posted before ran.</summary>
    public Task Completion => loop;

    /// <summary>Queues an item; false once the dispatcher is stopped.</summary>
    public bool Post(DispatchItem item)
    {
        if (!work.Writer.TryWrite(item)) return false;
        if (Interlocked.Increment(ref depth) == HighWater + 1) backlogCrossedMark();
        return true;
    }

    public void Stop() => work.Writer.TryComplete();

    private async Task RunAsync()
    {
        ChannelReader<DispatchItem> reader = work.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out DispatchItem item))
            {
                ValueTask pending = process(item);
                if (!pending.IsCompletedSuccessfully) await pending.ConfigureAwait(false);
                if (Interlocked.Decrement(ref depth) == LowWater) backlogCrossedMark();
            }
        }
    }
}
