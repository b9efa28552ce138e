using System.Collections.Concurrent;
using System.Xml.Linq;
using ComponentSdk.Testing;
using ComponentSdk.Tests.Support;

namespace ComponentSdk.Tests.Components;

/// <summary>
/// Connect, Reconnect, Send, Shutdown and Dispose in random interleavings, some of them at the same time, against the
/// loopback router directly and through a proxy that drops connections: nothing but the documented exceptions comes
/// out, every send ends, and no socket or thread of the SDK is left behind.
/// </summary>
[NonParallelizable]
[CancelAfter(600_000)]
public class LifecycleRaceTests : RouterFixture
{
    private const int Interleavings = 1000;

    [Test]
    public async Task AThousandRandomInterleavingsLeaveNothingBehind(CancellationToken cancellationToken)
    {
        int seed = Environment.GetEnvironmentVariable("RACE_SEED") is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : Random.Shared.Next();
        TestContext.Out.WriteLine($"seed {seed} (set RACE_SEED to replay)");
        var random = new Random(seed);
        var unexpected = new ConcurrentQueue<Exception>();
        // A write still queued when its channel closes fails with ClosedChannelException; the loss is reported through the
        // connection's close (and the stanza requeued), so that failed write task is left unobserved by design.
        EventHandler<UnobservedTaskExceptionEventArgs> unobserved = (_, e) =>
        {
            if (e.Exception.InnerExceptions.All(x => x is DotNetty.Transport.Channels.ClosedChannelException)) return;
            unexpected.Enqueue(e.Exception);
        };
        TaskScheduler.UnobservedTaskException += unobserved;
        Router.ConflictPolicy = ConflictPolicy.AllowBoth; // a connection left behind stays open, to be counted
        await using FaultInjectingProxy proxy = FaultInjectingProxy.Start(Router.Host, Router.Port);

        // The shared event loops exist from here on: what is counted after must come back to this.
        await using (TestComponent warm = await ConnectedAsync()) { }
        await TestComponent.Until(() => Router.ConnectedDomains.Count == 0, TimeSpan.FromSeconds(10), "the warm-up gone");
        int socketsBefore = OpenSockets(), threadsBefore = SdkThreads();

        var sends = new List<Task>();
        int operations = 0, rounds = 0;
        try
        {
            while (operations < Interleavings)
            {
                rounds++;
                ConnectionOptions options = Router.OptionsFor("echo.localhost");
                if (random.Next(2) == 0) options.Port = proxy.Port;
                options.Delivery.Acknowledged = random.Next(2) == 0;
                options.Delivery.PurgeQueueOnReady = true;
                options.Reconnect.Enabled = random.Next(2) == 0;
                options.Reconnect.InitialDelay = TimeSpan.FromMilliseconds(5);
                options.Reconnect.MaxDelay = TimeSpan.FromMilliseconds(20);
                options.ShutdownTimeout = TimeSpan.FromMilliseconds(500);
                options.ConnectTimeout = TimeSpan.FromSeconds(2);
                options.Delivery.CheckTimeout = TimeSpan.FromMilliseconds(300);
                var component = new TestComponent(options);
                var concurrent = new List<Task>();
                for (int step = random.Next(3, 12); step > 0 && operations < Interleavings; step--, operations++)
                {
                    Task operation = random.Next(8) switch
                    {
                        0 or 1 => Expect(component.ConnectAsync(cancellationToken), unexpected),
                        2 => Expect(component.ReconnectAsync(cancellationToken: cancellationToken), unexpected),
                        3 or 4 => Send(component, sends, unexpected),
                        5 => Expect(component.ShutdownAsync(cancellationToken), unexpected),
                        6 => Expect(component.PurgeQueueAsync(cancellationToken), unexpected),
                        _ => Fault(proxy, random),
                    };
                    if (random.Next(2) == 0) await operation;
                    else concurrent.Add(operation);
                }
                // Connects and a shutdown racing the disposal: released together onto the thread pool.
                var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Task Racing(Func<Task> operation) => Task.Run(async () =>
                {
                    await go.Task;
                    await Expect(operation(), unexpected);
                }, cancellationToken);
                if (random.Next(2) == 0) concurrent.Add(Racing(() => component.ConnectAsync(cancellationToken)));
                if (random.Next(3) == 0) concurrent.Add(Racing(() => component.ReconnectAsync(cancellationToken: cancellationToken)));
                if (random.Next(3) == 0) concurrent.Add(Racing(() => component.ShutdownAsync(cancellationToken)));
                Task dispose = Task.Run(async () =>
                {
                    await go.Task;
                    await component.DisposeAsync();
                }, cancellationToken);
                go.SetResult();
                await dispose.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
                await Task.WhenAll(concurrent).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            }
            await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= unobserved;
        }

        TestContext.Out.WriteLine($"{operations} operations in {rounds} components; {sends.Count} sends");
        Assert.That(sends, Has.All.Property(nameof(Task.IsCompleted)).True, "every SendAsync returned or threw");
        proxy.DropAll();
        await TestComponent.Until(() => OpenSockets() <= socketsBefore, TimeSpan.FromSeconds(20), "the sockets closed",
            () => $"{OpenSockets()} open, {socketsBefore} before");
        await TestComponent.Until(() => SdkThreads() <= threadsBefore, TimeSpan.FromSeconds(20), "the SDK's threads gone",
            () => $"{SdkThreads()} now, {threadsBefore} before");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.That(unexpected, Is.Empty, string.Join("\n---\n", unexpected));
    }

    /// <summary>What an operation may legitimately throw in these circumstances; anything else is recorded.</summary>
    private static async Task Expect(Task operation, ConcurrentQueue<Exception> unexpected)
    {
        try
        {
            await operation;
        }
        catch (Exception ex) when (ex is ObjectDisposedException or XmppException or TimeoutException or OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            unexpected.Enqueue(ex);
        }
    }

    private static Task Send(TestComponent component, List<Task> sends, ConcurrentQueue<Exception> unexpected)
    {
        Task send = Expect(component.SendAsync(new XElement("message", new XAttribute("to", "user@localhost"), new XElement("body", "x"))).AsTask(), unexpected);
        lock (sends) sends.Add(send);
        return send;
    }

    private static Task Fault(FaultInjectingProxy proxy, Random random)
    {
        if (random.Next(2) == 0) proxy.DropAll();
        else proxy.ResetAll();
        return Task.CompletedTask;
    }

    private static int OpenSockets() =>
        Directory.EnumerateFileSystemEntries("/proc/self/fd").Count(fd =>
        {
            try
            {
                return new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true;
            }
            catch (IOException)
            {
                return false; // closed while counted
            }
        });

    private static int SdkThreads() =>
        Directory.EnumerateDirectories("/proc/self/task").Count(task =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(task, "comm")).StartsWith("ComponentSdk", StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false; // ended while counted
            }
        });
}
