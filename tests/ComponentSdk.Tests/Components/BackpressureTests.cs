using System.Diagnostics;
using System.Xml.Linq;
using ComponentSdk.Testing;
using ComponentSdk.Tests.Support;

namespace ComponentSdk.Tests.Components;

[CancelAfter(60_000)]
[TestFixture(TransportMode.Shared)]
[TestFixture(TransportMode.Dedicated)]
public class BackpressureTests(TransportMode transport) : RouterFixture(transport)
{
    private static readonly string Padding = new('x', 2000);

    private static XElement Message(int n, string padding = "") =>
        new("message", new XAttribute("to", "user@localhost"), new XAttribute("from", "echo.localhost"), new XElement("body", n), new XElement("subject", padding));

    /// <summary>A component behind the proxy with a small outbound backlog and no idle traffic of its own.</summary>
    private Task<TestComponent> ThroughProxyAsync(FaultInjectingProxy proxy, Action<ConnectionOptions>? more = null) => ConnectedAsync(configure: o =>
    {
        o.Port = proxy.Port;
        o.Limits.MaxOutboundBacklog = 100;
        o.Liveness.PingInterval = TimeSpan.Zero;
        o.Liveness.KeepAliveInterval = TimeSpan.Zero;
        more?.Invoke(o);
    });

    /// <summary>The router sends messages with bodies 0 to count - 1 to the component, without waiting.</summary>
    private void SendNumberedMessages(int count)
    {
        for (int i = 0; i < count; i++)
        {
            _ = Router.SendAsync(new XElement("message", new XAttribute("from", "user@localhost/r"), new XAttribute("to", "echo.localhost"),
                new XElement("body", i)));
        }
    }

    [Test]
    public async Task SendAsyncWaitsWhileTheNetworkIsStalledThenDeliversEverythingInOrder(CancellationToken cancellationToken)
    {
        await using FaultInjectingProxy proxy = FaultInjectingProxy.Start(Router.Host, Router.Port);
        await using TestComponent component = await ThroughProxyAsync(proxy);
        proxy.Stall();

        (int sent, Task blocked) = await FillUntilBlockedAsync(component, cancellationToken);
        Assert.That(sent, Is.LessThan(200_000), "SendAsync began to wait once the socket and the backlog were full");
        Assert.That(component.OutboundBacklog, Is.LessThanOrEqualTo(100), "memory stays bounded by MaxOutboundBacklog");
        await Task.Delay(300, cancellationToken);
        Assert.That(blocked.IsCompleted, Is.False, "still waiting while the network is stalled");

        proxy.Resume();
        await blocked.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);
        int total = sent + 1;
        for (int i = 0; i < total; i++)
        {
            XElement received = await Router.ReceiveAsync(TimeSpan.FromSeconds(10));
            Assert.That((int)received.Element("body")!, Is.EqualTo(i), "every accepted stanza arrives once, in order");
        }
    }

    [Test]
    public async Task ShutdownDoesNotHangOnAServerThatStoppedReadingAndLosesNothing(CancellationToken cancellationToken)
    {
        await using FaultInjectingProxy proxy = FaultInjectingProxy.Start(Router.Host, Router.Port);
        await using TestComponent component = await ThroughProxyAsync(proxy, o => o.ShutdownTimeout = TimeSpan.FromSeconds(1));
        proxy.Stall();
        (_, Task blocked) = await FillUntilBlockedAsync(component, cancellationToken);

        var clock = Stopwatch.StartNew();
        await component.ShutdownAsync(cancellationToken);
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)), "the shutdown timeout bounds even a stuck write");
        await blocked.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
        Assert.That(component.QueuedStanzas, Is.Not.Empty, "what never reached the socket went back to the queue");
        Assert.That((int)component.QueuedStanzas[^1].Element("body")!, Is.EqualTo(
            component.QueuedStanzas.Select(q => (int)q.Element("body")!).Max()), "in order, the waiting stanza last");
    }

    /// <summary>Sends until SendAsync has made no progress for a second; returns how many went and the waiting send.</summary>
    private static async Task<(int Sent, Task Blocked)> FillUntilBlockedAsync(Component component, CancellationToken cancellationToken)
    {
        for (int sent = 0; sent < 200_000; sent++)
        {
            Task send = component.SendAsync(Message(sent, Padding), cancellationToken).AsTask();
            if (send.IsCompleted) continue;
            // It waits while the event loop catches up; a second without progress means the network is full.
            if (await Task.WhenAny(send, Task.Delay(1000, cancellationToken)) != send) return (sent, send);
        }
        Assert.Fail("SendAsync never waited: the backlog is not bounded");
        return default;
    }

    [Test]
    public async Task WithTheWaitPolicyAFullQueueWaitsAndGoesOutOnceReady(CancellationToken cancellationToken)
    {
        ConnectionOptions options = Options();
        options.Limits.MaxQueuedStanzas = 2;
        options.Delivery.QueueFullPolicy = QueueFullPolicy.Wait;
        await using var component = new TestComponent(options);
        await component.SendAsync(Message(1), cancellationToken);
        await component.SendAsync(Message(2), cancellationToken);
        ValueTask third = component.SendAsync(Message(3), cancellationToken);
        await Task.Delay(200, cancellationToken);
        Assert.That(third.IsCompleted, Is.False, "waits for room rather than failing or dropping");

        await component.ConnectAsync(cancellationToken);
        await third.AsTask().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
        Assert.That((int)(await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).Element("body")!, Is.EqualTo(3), "once ready it goes straight out");
        Assert.That(component.QueuedStanzas, Has.Count.EqualTo(2), "the queue waits for a purge as always");
        await component.PurgeQueueAsync(cancellationToken);
        Assert.That((int)(await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).Element("body")!, Is.EqualTo(1));
        Assert.That((int)(await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).Element("body")!, Is.EqualTo(2));
    }

    [Test]
    public async Task AWaitingSendCanBeCancelledAndIsThenNotQueued(CancellationToken cancellationToken)
    {
        ConnectionOptions options = Options();
        options.Limits.MaxQueuedStanzas = 1;
        options.Delivery.QueueFullPolicy = QueueFullPolicy.Wait;
        await using var component = new TestComponent(options);
        await component.SendAsync(Message(1), cancellationToken);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        Assert.That(async () => await component.SendAsync(Message(2), cancel.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(component.QueuedStanzas.Select(s => (int)s.Element("body")!), Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public async Task ASlowHandlerStopsReadingFromTheSocketAndKeepsOrder(CancellationToken cancellationToken)
    {
        const int Count = 100_000;
        await using TestComponent component = await ConnectedAsync(configure: o => o.Limits.MaxInboundBacklog = 100);
        component.Gate = new SemaphoreSlim(0);
        SendNumberedMessages(Count);
        int peak = 0;
        for (int i = 0; i < 20; i++)
        {
            await Task.Delay(50, cancellationToken);
            peak = Math.Max(peak, component.InboundBacklog);
        }
        TestContext.Out.WriteLine($"peak inbound backlog {peak} of {Count} sent, limit 100");
        Assert.That(peak, Is.LessThanOrEqualTo(101), "reading stopped at the limit: the rest waits in the socket, not in memory");

        component.Gate.Release(Count);
        await component.WaitForMessagesAsync(Count, TimeSpan.FromSeconds(30));
        Assert.That(component.Messages.Select(m => (int)m.Element("body")!), Is.EqualTo(Enumerable.Range(0, Count)), "nothing lost, in order");
    }

    [Test]
    public async Task ReadingNeverStaysPausedWhenTheBacklogCrossesItsMarksConstantly(CancellationToken cancellationToken)
    {
        // With a backlog of two, pause and resume are asked for thousands of times from the event loop and the
        // handler thread at once; deciding from the request instead of the backlog once left reading off for good.
        const int Count = 50_000;
        await using TestComponent component = await ConnectedAsync(configure: o => o.Limits.MaxInboundBacklog = 2);
        SendNumberedMessages(Count);
        await component.WaitForMessagesAsync(Count, TimeSpan.FromSeconds(60));
        Assert.That(component.Messages.Select(m => (int)m.Element("body")!), Is.EqualTo(Enumerable.Range(0, Count)), "nothing lost, in order");
    }
}
