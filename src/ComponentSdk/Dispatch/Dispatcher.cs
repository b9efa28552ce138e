using System.Threading.Channels;
using IEventExecutor = DotNetty.Common.Concurrency.IEventExecutor;

namespace ComponentSdk.Dispatch;

/// <summary>
/// Runs the application's code (handlers, filters, status events) one item at a time in the order posted, so
/// ordering per connection holds. By default items run on the thread pool, never on the event loop, so a handler that
/// blocks never stalls the connection; given an event loop, they run on it instead, inline when posted from it, which
/// saves two thread wake-ups per stanza. An item whose work is still pending holds the items behind it back until it
/// completes, without holding a thread. The depth is watched so that the connection can stop reading while the
/// application is behind (backpressure).
/// </summary>
internal sealed class Dispatcher : IThreadPoolWorkItem
{
    private readonly Channel<DispatchItem> work = Channel.CreateUnbounded<DispatchItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<DispatchItem, ValueTask> process;
    private readonly Action backlogCrossedMark;
    private readonly IEventExecutor? eventLoop;
    private readonly Action drain;
    private readonly TaskCompletionSource stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int depth;
    private int draining;

    /// <param name="process">Handles one item and reports its own failures; one that escapes is ignored.</param>
    /// <param name="highWater">Above this many waiting items reading should stop; at half of it, start again.</param>
    /// <param name="backlogCrossedMark">
    /// Called, from whichever thread moved the depth, when it rises above <paramref name="highWater"/> or falls to half
    /// of it. Crossings seen on different threads can be reported out of order, so the callee decides from
    /// <see cref="Depth"/> at the time it acts rather than from which mark was crossed.
    /// </param>
    /// <param name="eventLoop">Where items run; the thread pool when null.</param>
    public Dispatcher(Func<DispatchItem, ValueTask> process, int highWater, Action backlogCrossedMark, IEventExecutor? eventLoop = null)
    {
        this.process = process;
        this.backlogCrossedMark = backlogCrossedMark;
        this.eventLoop = eventLoop;
        drain = Drain;
        HighWater = highWater;
        LowWater = Math.Max(0, highWater / 2);
    }

    public int HighWater { get; }

    public int LowWater { get; }

    public int Depth => Volatile.Read(ref depth);

    /// <summary>Completes when <see cref="Stop"/> was called and everything posted before ran.</summary>
    public Task Completion => stopped.Task;

    /// <summary>Queues an item; false once the dispatcher is stopped.</summary>
    public bool Post(DispatchItem item)
    {
        if (!work.Writer.TryWrite(item)) return false;
        if (Interlocked.Increment(ref depth) == HighWater + 1) backlogCrossedMark();
        if (Interlocked.CompareExchange(ref draining, 1, 0) == 0) Schedule(mayRunInline: true);
        return true;
    }

    public void Stop()
    {
        work.Writer.TryComplete();
        if (Interlocked.CompareExchange(ref draining, 1, 0) == 0) Schedule(mayRunInline: false);
    }

    void IThreadPoolWorkItem.Execute() => Drain();

    /// <summary>Starts a drain, which the caller now owns (<c>draining</c> is set).</summary>
    private void Schedule(bool mayRunInline)
    {
        if (eventLoop is null || eventLoop.IsShuttingDown)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
        else if (mayRunInline && eventLoop.InEventLoop)
        {
            Drain();
        }
        else
        {
            eventLoop.Execute(drain);
        }
    }

    private void Drain()
    {
        ChannelReader<DispatchItem> reader = work.Reader;
        while (true)
        {
            while (reader.TryRead(out DispatchItem item))
            {
                ValueTask pending;
                try
                {
                    pending = process(item);
                }
                catch (Exception)
                {
                    pending = ValueTask.CompletedTask;
                }
                if (!pending.IsCompletedSuccessfully)
                {
                    _ = FinishThenResumeAsync(pending);
                    return;
                }
                Finished();
            }

            Volatile.Write(ref draining, 0);
            if (reader.Completion.IsCompleted)
            {
                stopped.TrySetResult();
                return;
            }
            // An item posted after the last TryRead found the drain still running and left it to us.
            if (!reader.TryPeek(out _) || Interlocked.CompareExchange(ref draining, 1, 0) != 0) return;
        }
    }

    /// <summary>Waits for an item's work without a thread, then goes on with the rest where items run.</summary>
    private async Task FinishThenResumeAsync(ValueTask pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // process reports its own failures; one that escapes must not stop the items behind it.
        }
        Finished();
        Schedule(mayRunInline: false);
    }

    private void Finished()
    {
        if (Interlocked.Decrement(ref depth) == LowWater) backlogCrossedMark();
    }
}
