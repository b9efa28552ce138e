using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ComponentSdk.Tests.Support;
using ComponentSdk.Transport;
using DotNetty.Buffers;
using IScheduledTask = DotNetty.Common.Concurrency.IScheduledTask;
using DotNetty.Transport.Bootstrapping;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Sockets;

namespace ComponentSdk.Tests.Transport;

[CancelAfter(30_000)]
public class InlineEventLoopTests
{
    private const string ThreadName = "inline loop under test";

    private InlineEventLoop loop = null!;

    [SetUp]
    public void CreateLoop() => loop = new InlineEventLoop(null, ThreadName);

    [TearDown]
    public Task ShutDownLoop() => loop.ShutdownGracefullyAsync(TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>Counts tasks that find another task of the loop still running.</summary>
    private sealed class OverlapProbe
    {
        private int running;

        public int Overlaps { get; private set; }

        public void Run(Action work)
        {
            if (Interlocked.Increment(ref running) > 1) Overlaps++;
            try
            {
                work();
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }
        }
    }

    /// <summary>Reads of a real socket, each noting the thread it ran on and whether that thread held the loop.</summary>
    private sealed class ReadRecorder(OverlapProbe probe, IEventLoop loop) : ChannelHandlerAdapter
    {
        public ConcurrentQueue<(string? Thread, bool InLoop)> Reads { get; } = new();

        public long Bytes;

        /// <summary>Runs in each read, on the thread holding the loop.</summary>
        public Action? OnRead { get; set; }

        public override void ChannelRead(IChannelHandlerContext context, object message)
        {
            probe.Run(() =>
            {
                var buffer = (IByteBuffer)message;
                Interlocked.Add(ref Bytes, buffer.ReadableBytes);
                buffer.Release();
                Reads.Enqueue((Thread.CurrentThread.Name, loop.InEventLoop));
                OnRead?.Invoke();
            });
        }
    }

    /// <param name="blockingReads">The SDK's channel with a reader thread (Linux), or DotNetty's, read through .NET's socket engine.</param>
    private static Task<LoopbackSocketPair> ConnectAsync(IEventLoop loop, IChannelHandler handler, bool blockingReads) =>
        LoopbackSocketPair.ConnectAsync(new Bootstrap()
            .Group(loop)
            .ChannelFactory(() => blockingReads ? new BlockingSocketChannel() : new TcpSocketChannel())
            .Handler(handler));

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(10)) Assert.Fail($"Timed out waiting for {what}.");
            await Task.Delay(5);
        }
    }

    [Test]
    public async Task QueuedTasksRunOneAtATimeInTheOrderEachThreadQueuedThem()
    {
        var probe = new OverlapProbe();
        var ran = new ConcurrentQueue<(int Producer, int N, bool InLoop)>();
        Task[] producers = Enumerable.Range(0, 4).Select(p => Task.Run(() =>
        {
            for (int n = 0; n < 5_000; n++)
            {
                int number = n;
                loop.Execute(() => probe.Run(() => ran.Enqueue((p, number, loop.InEventLoop))));
            }
        })).ToArray();
        await Task.WhenAll(producers);
        await WaitUntilAsync(() => ran.Count == 20_000, "every task");

        Assert.That(probe.Overlaps, Is.Zero, "never two tasks at once");
        Assert.That(ran.All(r => r.InLoop), "InEventLoop holds inside every task");
        for (int p = 0; p < 4; p++)
        {
            Assert.That(ran.Where(r => r.Producer == p).Select(r => r.N), Is.EqualTo(Enumerable.Range(0, 5_000)), $"producer {p} in order");
        }
        Assert.That(loop.InEventLoop, Is.False, "nobody holds the loop afterwards");
    }

    [Test]
    public async Task ASocketReadRunsOnTheThreadThatCompletedItWhenTheLoopIsFree([Values] bool blockingReads)
    {
        var probe = new OverlapProbe();
        var reads = new ReadRecorder(probe, loop);
        await using LoopbackSocketPair connected = await ConnectAsync(loop, reads, blockingReads);
        Socket server = connected.Peer;
        for (int i = 0; i < 20; i++)
        {
            long before = Interlocked.Read(ref reads.Bytes);
            await server.SendAsync(new byte[] { 1, 2, 3 });
            await WaitUntilAsync(() => Interlocked.Read(ref reads.Bytes) == before + 3, "the read");
        }

        Assert.That(reads.Reads.All(r => r.InLoop), "every read holds the loop");
        Assert.That(reads.Reads.Count(r => r.Thread != ThreadName), Is.GreaterThan(0),
            "reads ran on the socket's completing thread, not handed to the loop's own thread");
    }

    [Test]
    public async Task ReadsAndTasksQueuedFromOtherThreadsNeverOverlap([Values] bool blockingReads)
    {
        var probe = new OverlapProbe();
        var reads = new ReadRecorder(probe, loop);
        await using LoopbackSocketPair connected = await ConnectAsync(loop, reads, blockingReads);
        Socket server = connected.Peer;
        int tasksRun = 0;
        Task queuing = Task.Run(() =>
        {
            for (int n = 0; n < 50_000; n++) loop.Execute(() => probe.Run(() => tasksRun++));
        });
        var chunk = new byte[100];
        for (int i = 0; i < 2_000; i++) await server.SendAsync(chunk);
        await queuing;
        await WaitUntilAsync(() => Interlocked.Read(ref reads.Bytes) == 200_000 && Volatile.Read(ref tasksRun) == 50_000, "every read and task");

        Assert.That(probe.Overlaps, Is.Zero, "a read never runs beside a queued task");
    }

    [Test]
    public async Task AScheduledTaskRunsAtItsDeadlineAndACancelledOneNever()
    {
        var clock = Stopwatch.StartNew();
        var ranAt = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool cancelledRan = false;
        IScheduledTask cancelled = loop.Schedule(() => cancelledRan = true, TimeSpan.FromMilliseconds(50));
        _ = loop.Schedule(() => ranAt.SetResult(clock.Elapsed), TimeSpan.FromMilliseconds(100));
        Assert.That(cancelled.Cancel(), Is.True);

        TimeSpan at = await ranAt.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(at, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(95)), "not before its deadline");
        Assert.That(cancelledRan, Is.False);
    }

    [Test]
    public async Task ATaskScheduledWhileTheLoopSleepsTowardsALaterOneWakesItEarlier([Values] bool blockingReads)
    {
        _ = loop.Schedule(() => { }, TimeSpan.FromMinutes(10)); // the loop's thread now sleeps towards this
        await Task.Delay(50);
        var ran = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Scheduled from a read, as a pipeline handler does: on the socket's thread, while the loop's own thread sleeps.
        var reads = new ReadRecorder(new OverlapProbe(), loop) { OnRead = () => _ = loop.Schedule(() => ran.TrySetResult(), TimeSpan.FromMilliseconds(20)) };
        await using LoopbackSocketPair connected = await ConnectAsync(loop, reads, blockingReads);
        await connected.Peer.SendAsync(new byte[] { 1 });

        await ran.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Test]
    public async Task AnAwaitInATaskOnTheLoopContinuesOnTheLoop()
    {
        var after = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.Execute(async () =>
        {
            await Task.Delay(10);
            after.SetResult(loop.InEventLoop);
        });

        Assert.That(await after.Task.WaitAsync(TimeSpan.FromSeconds(10)), Is.True);
    }

    [Test]
    public async Task AnAwaitInAReadOnTheSocketsThreadContinuesOnTheLoop([Values] bool blockingReads)
    {
        var after = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reads = new ReadRecorder(new OverlapProbe(), loop) { OnRead = () => ContinueAfterAwait(after) };
        await using LoopbackSocketPair connected = await ConnectAsync(loop, reads, blockingReads);
        await connected.Peer.SendAsync(new byte[] { 1 });

        Assert.That(await after.Task.WaitAsync(TimeSpan.FromSeconds(10)), Is.True);

        async void ContinueAfterAwait(TaskCompletionSource<bool> result)
        {
            await Task.Delay(10);
            result.TrySetResult(loop.InEventLoop);
        }
    }

    [Test]
    public async Task AThrowingTaskDoesNotStopTheLoop()
    {
        var ran = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.Execute(() => throw new InvalidOperationException("task failure"));
        loop.Execute(() => ran.SetResult());

        await ran.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Test]
    public async Task ShutdownRunsWhatWasQueuedThenDropsWhatComesLaterWithoutThrowing()
    {
        var gate = new ManualResetEventSlim();
        int ran = 0;
        loop.Execute(() => gate.Wait());
        for (int i = 0; i < 100; i++) loop.Execute(() => ran++);

        Task terminated = loop.ShutdownGracefullyAsync(TimeSpan.Zero, TimeSpan.Zero);
        Assert.That(loop.IsShuttingDown, Is.True);
        gate.Set();
        await terminated.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(ran, Is.EqualTo(100));
        Assert.That(loop.IsTerminated, Is.True);
        bool ranLate = false;
        Assert.DoesNotThrow(() => loop.Execute(() => ranLate = true), "a late socket completion must not crash its thread");
        await Task.Delay(50);
        Assert.That(ranLate, Is.False);
    }
}
