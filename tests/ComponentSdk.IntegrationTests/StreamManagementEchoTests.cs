using System.Collections.Concurrent;
using ComponentSdk.Testing;

namespace ComponentSdk.IntegrationTests;

/// <summary>
/// An echo bot behind a proxy that cuts its connection twice while 10,000 messages flow to it and 10,000 echoes from
/// it at the same time, on ejabberd: every message and every echo handled once, every cut resumed. Not on Prosody:
/// Prosody 0.12 cannot go on with a session resumed after a cut in the middle of one of the bot's stanzas, which
/// traffic both ways makes likely (the SDK then starts a new session, and Prosody bounces what it held for the bot);
/// <see cref="StreamManagementTests"/> covers Prosody one way at a time.
/// </summary>
[NonParallelizable]
[CancelAfter(180_000)]
public class StreamManagementEchoTests
{
    [Test]
    public async Task AnEchoBotCutTwiceMidTrafficLosesAndRepeatsNothing(CancellationToken cancellationToken)
    {
        const int Count = 10_000;
        XmppServer server = Servers.Ejabberd;
        await using FaultInjectingProxy proxy = FaultInjectingProxy.Start(server.Host, server.ClientPort);
        await using var echo = new CountingBot(StreamManagementTests.Alice(server, proxy, "sm-echo"), echo: true);
        var statuses = new ConcurrentQueue<ConnectionStatusEventArgs>();
        echo.StatusChanged += (_, e) => statuses.Enqueue(e);
        await using var bob = new CountingBot(StreamManagementTests.Bob(server, "sm-echo-sender"), echo: false);
        await echo.ConnectAsync(cancellationToken);
        await bob.ConnectAsync(cancellationToken);

        await StreamManagementTests.FlowAsync(bob, echo, Count, proxy, () => statuses.Count(s => s.Status == ConnectionStatus.StreamResumed),
            () => string.Join(", ", statuses.Select(s => s.Status).Where(s => s >= ConnectionStatus.Ready).TakeLast(12)), cancellationToken);
        await TestWait.UntilAsync(() => bob.Received.Count == Count, () => $"every echo at bob (has {bob.Received.Count})", TimeSpan.FromSeconds(60));

        TestContext.Progress.WriteLine($"ejabberd: {Count} messages to the echo bot, two cuts: it handled {echo.Received.Count} ({echo.Repeats} twice), " +
            $"bob got {bob.Received.Count} echoes ({bob.Repeats} twice)");
        Assert.That(echo.Received.Keys.Order(), Is.EqualTo(Enumerable.Range(0, Count)));
        Assert.That(echo.Repeats, Is.Zero);
        Assert.That(bob.Received.Keys.Order(), Is.EqualTo(Enumerable.Range(0, Count)));
        Assert.That(bob.Repeats, Is.Zero);
        Assert.That(statuses.Count(s => s.Status == ConnectionStatus.Ready), Is.EqualTo(1), "both cuts resumed, never a new session");
    }
}
