using System.Collections.Concurrent;
using DotNetty.Common;
using DotNetty.Common.Concurrency;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Sockets;

namespace ComponentSdk.Transport;

/// <summary>
/// A DotNetty event loop that runs a socket's completions on the thread that delivers them whenever the loop is idle,
/// instead of waking its own thread for each one. The loop is a role, not a thread: whichever thread holds it runs its
/// tasks one at a time, and <see cref="AbstractEventExecutor.InEventLoop"/> is true on that thread only. The loop's own
/// thread runs what other threads queue, and the scheduled tasks.
/// </summary>
/// <remarks>
/// DotNetty's <see cref="SingleThreadEventLoop"/> hands every socket read from the thread that completed it to the
/// loop thread: a thread wake-up per read, which on a virtual machine costs more than the work the read brings. Here
/// the completing thread claims the loop, runs the read through the pipeline and the reply out to the socket, runs what
/// was queued meanwhile, and lets go. Anything else (a write from a handler on the thread pool, a timer) goes through
/// the queue to the loop's thread as before.
/// </remarks>
internal sealed class InlineEventLoop : AbstractScheduledEventExecutor, IEventLoop
{
    private const int Free = 0;
    private const int Retired = -1;
    private const int Running = 0, ShuttingDown = 1, Terminated = 2;

    /// <summary>Tasks a completing thread runs before it leaves the rest to the loop's thread.</summary>
    private const int InlineBudget = 1024;

    private readonly ConcurrentQueue<IRunnable> tasks = new();
    private readonly ManualResetEventSlim wake = new(false, spinCount: 1);
    private readonly System.Threading.Tasks.TaskCompletionSource terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly LoopTaskScheduler scheduler;
    private readonly Action<object?> runInline;
    private readonly Action<object?> runQueued;
    private Action<object, object>? inlineAction; // the completion RunInline hands to the task it runs; set by the holder
    private object? inlineContext, inlineState;
    private int owner; // managed thread id of the thread holding the loop
    private int runState;
    private long sleepUntil = long.MaxValue; // deadline (PreciseTimeSpan ticks) the loop's thread waits for; written by it

    public InlineEventLoop(IEventLoopGroup? parent, string threadName)
        : base(parent)
    {
        scheduler = new LoopTaskScheduler(this);
        runInline = static loop => ((InlineEventLoop)loop!).RunInlineCompletion();
        runQueued = static loop => ((InlineEventLoop)loop!).RunTasks(int.MaxValue);
        var thread = new Thread(Run) { Name = threadName, IsBackground = true };
        thread.Start();
    }

    IEventLoopGroup IEventLoop.Parent => (IEventLoopGroup)Parent;

    IEnumerable<IEventLoop> IEventLoopGroup.Items => [this];

    IEventLoop IEventLoopGroup.GetNext() => this;

    public Task RegisterAsync(IChannel channel) => channel.Unsafe.RegisterAsync(this);

    public override bool IsShuttingDown => Volatile.Read(ref runState) >= ShuttingDown;

    public override bool IsShutdown => IsTerminated;

    public override bool IsTerminated => Volatile.Read(ref runState) == Terminated;

    public override Task TerminationCompletion => terminated.Task;

    public override bool IsInEventLoop(Thread thread) => Volatile.Read(ref owner) == thread.ManagedThreadId;

    protected override IEnumerable<IEventExecutor> GetItems() => [this];

    /// <remarks>
    /// After the loop has terminated a task is dropped, as DotNetty's own loop leaves it in a queue nobody runs:
    /// throwing would take down the thread that queued it, which for a late socket completion is .NET's socket thread.
    /// </remarks>
    public override void Execute(IRunnable task)
    {
        if (IsTerminated) return;
        tasks.Enqueue(task);
        // A thread holding the loop looks at the queue again after letting go (see Release), so only a free loop needs waking.
        // The fence mirrors the one in Release: without it the processor may read the owner before the enqueue is
        // visible, while the holder lets go and finds the queue empty, and the task waits for a wake-up that never comes.
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref owner) == Free) wake.Set();
    }

    /// <summary>DotNetty hands socket completions to the loop through this overload, with the operation as state.</summary>
    void IExecutor.Execute(Action<object, object> action, object context, object state)
    {
        if (state is SocketChannelAsyncOperation) ExecuteInline(action, context, state);
        else Execute(action, context, state);
    }

    /// <summary>Runs a socket completion on the calling thread when the loop is free, or queues it to the loop.</summary>
    public void ExecuteInline(Action<object, object> action, object context, object state)
    {
        if (Volatile.Read(ref runState) == Running && TryClaim())
        {
            RunInline(action, context, state);
            return;
        }
        Execute(action, context, state);
    }

    /// <summary>Runs what is queued, then stops; the quiet period and timeout are not used.</summary>
    public override Task ShutdownGracefullyAsync(TimeSpan quietPeriod, TimeSpan timeout)
    {
        Interlocked.CompareExchange(ref runState, ShuttingDown, Running);
        wake.Set();
        return terminated.Task;
    }

    private bool TryClaim() => Interlocked.CompareExchange(ref owner, Environment.CurrentManagedThreadId, Free) == Free;

    private void RunInline(Action<object, object> action, object actionContext, object state)
    {
        (inlineAction, inlineContext, inlineState) = (action, actionContext, state);
        try
        {
            RunAsLoopTask(runInline);
        }
        finally
        {
            Release();
        }
    }

    private void RunInlineCompletion()
    {
        Action<object, object> action = inlineAction!;
        (object actionContext, object state) = (inlineContext!, inlineState!);
        (inlineAction, inlineContext, inlineState) = (null, null, null);
        RunTasks(InlineBudget); // what was queued first goes first
        try
        {
            action(actionContext, state);
        }
        catch (Exception)
        {
            // DotNetty's completion callbacks report their own failures to the pipeline; one escaping must not
            // take the completing thread (a socket thread) down.
        }
        RunTasks(InlineBudget);
    }

    /// <summary>
    /// Runs work of the loop inside a task on the loop's scheduler, as DotNetty's own loop does: awaits without
    /// <c>ConfigureAwait(false)</c> in handlers come back to the loop, and DotNetty's TLS handler, which completes its
    /// reads synchronously from under that scheduler, works unchanged.
    /// </summary>
    private void RunAsLoopTask(Action<object?> work) => new Task(work, this).RunSynchronously(scheduler);

    /// <summary>The loop's own thread: runs queued and scheduled tasks whenever no other thread holds the loop.</summary>
    private void Run()
    {
        while (true)
        {
            wake.Reset();
            if (TryClaim())
            {
                RunAsLoopTask(runQueued);
                if (Volatile.Read(ref runState) == ShuttingDown && tasks.IsEmpty)
                {
                    Terminate();
                    return;
                }
                Release();
            }
            if (!tasks.IsEmpty && Volatile.Read(ref owner) == Free) continue;
            Sleep();
        }
    }

    /// <summary>Waits for a task or the next scheduled deadline; whoever changes either wakes the loop's thread.</summary>
    private void Sleep()
    {
        long deadline = Volatile.Read(ref sleepUntil);
        if (deadline == long.MaxValue)
        {
            wake.Wait();
            return;
        }
        long ticks = deadline - PreciseTimeSpan.FromStart.Ticks;
        if (ticks <= 0)
        {
            // Due now but another thread holds the loop: it runs due tasks as it goes; look again shortly.
            if (Volatile.Read(ref owner) != Free) wake.Wait(1);
            return;
        }
        wake.Wait((int)Math.Min(PreciseTimeSpan.FromTicks(ticks).ToTimeSpan().TotalMilliseconds + 1, int.MaxValue - 1));
    }

    private void RunTasks(int budget)
    {
        RunDueScheduledTasks();
        int ran = 0;
        while (ran < budget && tasks.TryDequeue(out IRunnable? task))
        {
            SafeExecute(task);
            if ((++ran & 63) == 0) RunDueScheduledTasks();
        }
        if (ran > 0) RunDueScheduledTasks();
    }

    private void RunDueScheduledTasks()
    {
        if (ScheduledTaskQueue.Count == 0) return;
        PreciseTimeSpan now = PreciseTimeSpan.FromStart;
        while (PollScheduledTask(now) is { } due) SafeExecute(due);
    }

    /// <summary>
    /// Lets go of the loop, then wakes its thread if work is left or a scheduled task now comes due before the time it
    /// sleeps until. A thread queuing a task while the loop is held does not wake anyone, so this second look after
    /// letting go is what keeps tasks from being stranded.
    /// </summary>
    private void Release()
    {
        long next = PeekScheduledTask()?.Deadline.Ticks ?? long.MaxValue;
        bool earlier = next < Volatile.Read(ref sleepUntil);
        Volatile.Write(ref sleepUntil, next);
        Interlocked.Exchange(ref owner, Free);
        if (earlier || !tasks.IsEmpty) wake.Set();
    }

    /// <summary>Ends the loop's thread, which still holds the loop and never lets go of it.</summary>
    private void Terminate()
    {
        CancelScheduledTasks();
        Volatile.Write(ref runState, Terminated); // from here Execute drops new tasks
        while (tasks.TryDequeue(out IRunnable? task)) SafeExecute(task);
        Volatile.Write(ref owner, Retired);
        terminated.TrySetResult();
    }

    /// <summary>Queues tasks to the loop, and runs them inline when the thread holding the loop waits on them.</summary>
    private sealed class LoopTaskScheduler(InlineEventLoop loop) : TaskScheduler
    {
        protected override void QueueTask(Task task) =>
            loop.Execute(static (scheduler, task) => ((LoopTaskScheduler)scheduler).TryExecuteTask((Task)task), this, task);

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
            !taskWasPreviouslyQueued && loop.InEventLoop && TryExecuteTask(task);

        protected override IEnumerable<Task>? GetScheduledTasks() => null;
    }
}
