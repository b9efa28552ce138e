using System.Diagnostics;
using System.Xml.Linq;
using ComponentSdk.Testing;
using ComponentSdk.Xml;

namespace ComponentSdk.IntegrationTests;

/// <summary>Acknowledged delivery, reconnects and liveness with a fault-injecting proxy between a component and a real server.</summary>
[TestFixture("prosody")]
[TestFixture("ejabberd")]
[NonParallelizable]
[CancelAfter(90_000)]
public class ReliabilityTests(string serverName)
{
    private XmppServer Server => Servers.Get(serverName);

    private static XElement Message(int i) =>
        new("message", new XAttribute("from", "bot@echo.localhost"), new XAttribute("to", "sink@echo2.localhost"), new XElement("body", i));

    private ConnectionOptions Reliable(string domain, string secret, FaultInjectingProxy? proxy = null)
    {
        ConnectionOptions options = Server.Component(domain, secret);
        if (proxy is not null) options.Port = proxy.Port;
        options.Delivery.Acknowledged = true;
        options.Delivery.PurgeQueueOnReady = true;
        options.Reconnect.Enabled = true;
        options.Reconnect.InitialDelay = TimeSpan.FromMilliseconds(50);
        options.Reconnect.MaxDelay = TimeSpan.FromMilliseconds(300);
        return options;
    }

    [Test]
    public async Task AnIdAClientReusesInANewSessionIsNotTakenForARepeat(CancellationToken cancellationToken)
    {
        ConnectionOptions echoOptions = Reliable("echo.localhost", "secret");
        echoOptions.Delivery.DuplicateWindow = 10_000;
        await using var echo = new Peer(echoOptions, echo: true);
        await echo.ConnectAsync(cancellationToken);

        // RFC 6120 §8.1.3 lets a sender reuse ids across streams: the second message is new, not a copy of the first.
        for (int session = 1; session <= 2; session++)
        {
            ConnectionOptions bobOptions = Server.Client("bob", "bobpw");
            bobOptions.Login.Resource = "dupprobe";
            await using var bob = new EchoBot(bobOptions, echo: false);
            await bob.ConnectAsync(cancellationToken);
            await bob.SendAsync(new XElement("message", new XAttribute("to", "bot@echo.localhost"), new XAttribute("type", "chat"),
                new XAttribute("id", "fixed-1"), new XElement("body", $"session {session}")), cancellationToken);
            await bob.WaitForAsync(1, TimeSpan.FromSeconds(15));
            Assert.That(bob.Messages.Single().Element("body")!.Value, Is.EqualTo($"session {session}"), "answered in every session");
            await bob.ShutdownAsync(cancellationToken);
        }
    }

    [Test]
    public async Task TheServerConfirmsEveryStanzaWithAcknowledgedDelivery(CancellationToken cancellationToken)
    {
        await using var receiver = new Peer(Server.Component("echo2.localhost", "secret2"));
        await using var sender = new Peer(Reliable("echo.localhost", "secret"));
        await receiver.ConnectAsync(cancellationToken);
        await sender.ConnectAsync(cancellationToken);

        for (int i = 0; i < 2000; i++) await sender.SendAsync(Message(i), cancellationToken);
        await TestWait.UntilAsync(() => sender.UnconfirmedCount == 0, $"the server to confirm everything (unconfirmed {sender.UnconfirmedCount})");
        await receiver.WaitForAsync(2000, TimeSpan.FromSeconds(30));
        Assert.That(receiver.Messages.Select(m => (int)m.Element("body")!), Is.EqualTo(Enumerable.Range(0, 2000)));
        Assert.That(sender.Messages, Is.Empty, "no barrier reached the application");
    }

    [Test]
    public async Task DropsAndResetsUnderLoadLoseNothingAndRepeatNothing(CancellationToken cancellationToken)
    {
        const int Count = 4000;
        await using FaultInjectingProxy proxy = FaultInjectingProxy.Start(Server.Host, Server.ComponentPort);
        ConnectionOptions receiving = Server.Component("echo2.localhost", "secret2");
        receiving.Delivery.DuplicateWindow = 10_000;
        await using var receiver = new Peer(receiving);
        await using var sender = new Peer(Reliable("echo.localhost", "secret", proxy));
        int readies = 0;
        sender.StatusChanged += (_, e) => { if (e.Status == ConnectionStatus.Ready) Interlocked.Increment(ref readies); };
        await receiver.ConnectAsync(cancellationToken);
        await sender.ConnectAsync(cancellationToken);

        Task sending = Task.Run(async () =>
        {
            for (int i = 0; i < Count; i++)
            {
                await sender.SendAsync(Message(i), cancellationToken);
                if (i % 100 == 0) await Task.Delay(2, cancellationToken);
            }
        }, cancellationToken);
        for (int fault = 0; fault < 4; fault++)
        {
            await Task.Delay(300, cancellationToken);
            if (fault % 2 == 0) proxy.ResetAll();
            else proxy.DropAll();
        }
        await sending;
        await receiver.WaitForAsync(Count, TimeSpan.FromSeconds(45));
        await TestWait.UntilAsync(() => sender.UnconfirmedCount == 0 && sender.QueuedStanzas.Count == 0, "everything confirmed", TimeSpan.FromSeconds(30));
        await Task.Delay(300, cancellationToken);

        Assert.That(readies, Is.GreaterThan(1), "the connection was really lost and regained");
        Assert.That(receiver.Messages.Select(m => (int)m.Element("body")!), Is.EqualTo(Enumerable.Range(0, Count)), "exactly once, in order");
    }

    [Test]
    public async Task AStalledServerIsDetectedAndTheComponentComesBack(CancellationToken cancellationToken)
    {
        await using FaultInjectingProxy proxy = FaultInjectingProxy.Start(Server.Host, Server.ComponentPort);
        ConnectionOptions options = Reliable("echo.localhost", "secret", proxy);
        options.Liveness.PingInterval = TimeSpan.FromMilliseconds(500);
        options.Liveness.PingTimeout = TimeSpan.FromMilliseconds(500);
        options.Liveness.KeepAliveInterval = TimeSpan.Zero;
        await using var component = new Peer(options);
        var lost = new TaskCompletionSource<ConnectionStatusEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        component.StatusChanged += (_, e) => { if (e.Status == ConnectionStatus.SocketFail) lost.TrySetResult(e); };
        await component.ConnectAsync(cancellationToken);

        proxy.Stall();
        var clock = Stopwatch.StartNew();
        ConnectionStatusEventArgs failure = await lost.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        clock.Stop();
        Assert.That(failure.Error!.Message, Does.Contain("went silent"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromMilliseconds(500 + 500 + 1000)), "within interval + timeout (and scheduling slack)");

        proxy.Resume();
        await TestWait.UntilAsync(() => component.IsReady, "ready again after the stall", TimeSpan.FromSeconds(20));
    }

    [Test]
    public async Task AStanzaCutInTheMiddleIsNeverHandedOnAndTheComponentComesBack(CancellationToken cancellationToken)
    {
        await using FaultInjectingProxy proxy = FaultInjectingProxy.Start(Server.Host, Server.ComponentPort);
        await using var sender = new Peer(Server.Component("echo.localhost", "secret"));
        await using var receiver = new Peer(Reliable("echo2.localhost", "secret2", proxy));
        await sender.ConnectAsync(cancellationToken);
        await receiver.ConnectAsync(cancellationToken);
        var failures = new List<Exception>();
        receiver.StatusChanged += (_, e) => { if (e.Status == ConnectionStatus.SocketFail && e.Error is { } error) lock (failures) failures.Add(error); };

        proxy.CutNextServerRead(40);
        await sender.SendAsync(new XElement("message", new XAttribute("from", "a@echo.localhost"), new XAttribute("to", "sink@echo2.localhost"),
            new XElement("body", "this one is cut after forty bytes")), cancellationToken);
        await TestWait.UntilAsync(() => { lock (failures) return failures.Count > 0; }, "the cut to be noticed");
        await TestWait.UntilAsync(() => receiver.IsReady, "ready again", TimeSpan.FromSeconds(20));
        Assert.That(receiver.Messages, Is.Empty, "half a stanza is never a stanza");

        await sender.SendAsync(new XElement("message", new XAttribute("from", "a@echo.localhost"), new XAttribute("to", "sink@echo2.localhost"),
            new XElement("body", "whole")), cancellationToken);
        await receiver.WaitForAsync(1, TimeSpan.FromSeconds(10));
        Assert.That((string?)receiver.Messages.Single().Element("body"), Is.EqualTo("whole"));
    }

    [Test]
    public async Task ASlowLinkDelaysButLosesNothing(CancellationToken cancellationToken)
    {
        await using FaultInjectingProxy proxy = FaultInjectingProxy.Start(Server.Host, Server.ComponentPort);
        proxy.Delay = TimeSpan.FromMilliseconds(30);
        await using var receiver = new Peer(Server.Component("echo2.localhost", "secret2"), echo: true);
        await using var sender = new Peer(Reliable("echo.localhost", "secret", proxy));
        await receiver.ConnectAsync(cancellationToken);
        await sender.ConnectAsync(cancellationToken);

        var clock = Stopwatch.StartNew();
        XElement pong = await sender.RequestAsync(new XElement("iq", new XAttribute("type", "get"), new XAttribute("from", "echo.localhost"),
            new XAttribute("to", "echo2.localhost"), new XElement(XName.Get("ping", "urn:xmpp:ping"))), cancellationToken: cancellationToken);
        Assert.That(pong.Type(), Is.EqualTo("result"));
        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(55)), "the delay applies both ways");

        for (int i = 0; i < 300; i++) await sender.SendAsync(Message(i), cancellationToken);
        await sender.WaitForAsync(300, TimeSpan.FromSeconds(30));
        Assert.That(sender.Messages.Select(m => (int)m.Element("body")!), Is.EqualTo(Enumerable.Range(0, 300)), "echoed back, in order");
        await TestWait.UntilAsync(() => sender.UnconfirmedCount == 0, "everything confirmed");
    }
}
