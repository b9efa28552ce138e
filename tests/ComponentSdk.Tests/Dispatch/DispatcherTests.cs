using System.Collections.Concurrent;
using ComponentSdk.Dispatch;
using ComponentSdk.Transport;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Tests.Dispatch;

[CancelAfter(30_000)]
public class DispatcherTests
{
    /// <summary>A loop of the group components run on.</summary>
    private static readonly IEventLoop Loop = EventLoops.Shared.GetNext();

    private static ConnectionStatusEventArgs Status(int n) => new(ConnectionStatus.Ready, detail: n.ToString());

    /// <summary>Records each item's number and whether it ran on <see cref="Loop"/>.</summary>
    private sealed class Recorder
    {
        public ConcurrentQueue<(int N, bool OnLoop)> Ran { get; } = new();

        public Func<int, ValueTask>? Work { get; set; }

        public ValueTask Process(DispatchItem item)
        {
            int n = int.Parse(item.Status!.Detail!);
            Ran.Enqueue((n, Loop.InEventLoop));
            return Work?.Invoke(n) ?? ValueTask.CompletedTask;
        }

        public IEnumerable<int> Order => Ran.Select(r => r.N);

        /// <summary>A recorder whose first item (0) stays pending until the returned gate is opened.</summary>
        public static Recorder HoldingFirst(out TaskCompletionSource gate)
        {
            var opened = new TaskCompletionSource();
            gate = opened;
            return new Recorder { Work = n => n == 0 ? new ValueTask(opened.Task) : ValueTask.CompletedTask };
        }
    }

    private static Task OnLoopAsync(Action action)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Loop.Execute(() =>
        {
            action();
            done.SetResult();
        });
        return done.Task;
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task ItemsRunOneAtATimeInOrderEvenWhenSomeCompleteLater(bool onEventLoop)
    {
        var recorder = new Recorder();
        int running = 0;
        int overlapped = 0;
        recorder.Work = async n =>
        {
            if (Interlocked.Increment(ref running) > 1) Interlocked.Increment(ref overlapped);
            if (n % 3 == 0) await Task.Delay(n % 2);
            else if (n % 3 == 1) await Task.Yield();
            Interlocked.Decrement(ref running);
        };
        var dispatcher = new Dispatcher(recorder.Process, 1000, () => { }, onEventLoop ? Loop : null);

        // Posted from the event loop and from other threads at once, as a connection and a user thread do.
        Task fromLoop = OnLoopAsync(() =>
        {
            for (int i = 0; i < 500; i++) dispatcher.Post(DispatchItem.ForStatus(Status(i)));
        });
        await fromLoop;
        for (int i = 500; i < 1000; i++) dispatcher.Post(DispatchItem.ForStatus(Status(i)));
        dispatcher.Stop();
        await dispatcher.Completion.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.That(recorder.Order, Is.EqualTo(Enumerable.Range(0, 1000)), "in the order posted, each once");
        Assert.That(overlapped, Is.Zero, "never two at once, even when an item awaits");
        Assert.That(dispatcher.Depth, Is.Zero);
    }

    [Test]
    public async Task ByDefaultItemsNeverRunOnTheEventLoopEvenWhenPostedFromIt()
    {
        var recorder = new Recorder();
        var dispatcher = new Dispatcher(recorder.Process, 1000, () => { });
        await OnLoopAsync(() =>
        {
            for (int i = 0; i < 50; i++) dispatcher.Post(DispatchItem.ForStatus(Status(i)));
        });
        dispatcher.Stop();
        await dispatcher.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(recorder.Ran.Select(r => r.OnLoop), Is.All.False);
        Assert.That(recorder.Ran, Has.Count.EqualTo(50));
    }

    [Test]
    public async Task OnTheEventLoopAnItemPostedFromItRunsBeforePostReturns()
    {
        var recorder = new Recorder();
        var dispatcher = new Dispatcher(recorder.Process, 1000, () => { }, Loop);
        int ranBeforeReturn = -1;
        await OnLoopAsync(() =>
        {
            dispatcher.Post(DispatchItem.ForStatus(Status(7)));
            ranBeforeReturn = recorder.Ran.Count;
        });
        Assert.That(ranBeforeReturn, Is.EqualTo(1), "no thread switch: it ran inline");

        dispatcher.Post(DispatchItem.ForStatus(Status(8))); // from a test thread: it goes to the event loop
        dispatcher.Stop();
        await dispatcher.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(recorder.Ran, Is.EqualTo(new[] { (7, true), (8, true) }));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task AnItemAwaitingHoldsBackTheRestWithoutHoldingTheThread(bool onEventLoop)
    {
        Recorder recorder = Recorder.HoldingFirst(out TaskCompletionSource gate);
        var dispatcher = new Dispatcher(recorder.Process, 1000, () => { }, onEventLoop ? Loop : null);
        await OnLoopAsync(() =>
        {
            for (int i = 0; i < 3; i++) dispatcher.Post(DispatchItem.ForStatus(Status(i)));
        });
        await Task.Delay(100);
        Assert.That(recorder.Order, Is.EqualTo(new[] { 0 }), "the rest wait for the first");
        Assert.That(dispatcher.Depth, Is.EqualTo(3));
        Assert.That(OnLoopAsync(() => { }).Wait(TimeSpan.FromSeconds(5)), Is.True, "the event loop is free meanwhile");

        gate.SetResult();
        dispatcher.Stop();
        await dispatcher.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(recorder.Order, Is.EqualTo(new[] { 0, 1, 2 }));
        if (onEventLoop) Assert.That(recorder.Ran.Select(r => r.OnLoop), Is.All.True, "the ones after the wait went back to the event loop");
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task AFailingItemDoesNotStopTheOnesBehindIt(bool onEventLoop)
    {
        var recorder = new Recorder();
        recorder.Work = n => n switch
        {
            0 => throw new InvalidOperationException("synchronous"),
            1 => ValueTask.FromException(new InvalidOperationException("faulted")),
            2 => new ValueTask(Task.Delay(10).ContinueWith(_ => throw new InvalidOperationException("later"))),
            _ => ValueTask.CompletedTask,
        };
        var dispatcher = new Dispatcher(recorder.Process, 1000, () => { }, onEventLoop ? Loop : null);
        for (int i = 0; i < 4; i++) dispatcher.Post(DispatchItem.ForStatus(Status(i)));
        dispatcher.Stop();
        await dispatcher.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(recorder.Order, Is.EqualTo(new[] { 0, 1, 2, 3 }));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task AfterStopNothingIsAcceptedAndCompletionWaitsForWhatWasPosted(bool onEventLoop)
    {
        var recorder = new Recorder();
        var gate = new TaskCompletionSource();
        recorder.Work = _ => new ValueTask(gate.Task);
        var dispatcher = new Dispatcher(recorder.Process, 1000, () => { }, onEventLoop ? Loop : null);
        Assert.That(dispatcher.Post(DispatchItem.ForStatus(Status(0))), Is.True);
        dispatcher.Stop();
        Assert.That(dispatcher.Post(DispatchItem.ForStatus(Status(1))), Is.False);
        await Task.Delay(100);
        Assert.That(dispatcher.Completion.IsCompleted, Is.False, "the first item is still running");
        gate.SetResult();
        await dispatcher.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(recorder.Order, Is.EqualTo(new[] { 0 }));
    }

    [Test]
    public async Task StopWithNothingPostedCompletes()
    {
        var dispatcher = new Dispatcher(_ => ValueTask.CompletedTask, 10, () => { }, Loop);
        dispatcher.Stop();
        await dispatcher.Completion.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task TheBacklogMarksAreReportedWhenCrossed(bool onEventLoop)
    {
        Recorder recorder = Recorder.HoldingFirst(out TaskCompletionSource gate);
        var depths = new ConcurrentQueue<int>();
        Dispatcher dispatcher = null!;
        dispatcher = new Dispatcher(recorder.Process, 4, () => depths.Enqueue(dispatcher.Depth), onEventLoop ? Loop : null);
        for (int i = 0; i < 6; i++) dispatcher.Post(DispatchItem.ForStatus(Status(i)));
        Assert.That(depths, Is.EqualTo(new[] { 5 }), "rising above the high-water mark (4) is reported once, at 5");

        gate.SetResult();
        dispatcher.Stop();
        await dispatcher.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(depths, Is.EqualTo(new[] { 5, 2 }), "falling to half is reported once");
    }
}
