using System.Collections.Concurrent;
using System.Xml.Linq;
using ComponentSdk.Testing;
using ComponentSdk.Xml;

namespace ComponentSdk.IntegrationTests;

/// <summary>
/// XEP-0198 against Prosody (mod_smacks) and ejabberd (mod_stream_mgmt): a login behind a proxy that cuts its
/// connection mid-traffic resumes its session, with nothing lost and nothing handled twice either way.
/// </summary>
[TestFixture("prosody")]
[TestFixture("ejabberd")]
[NonParallelizable]
[CancelAfter(180_000)]
public class StreamManagementTests(string serverName)
{
    private XmppServer Server => Servers.Get(serverName);

    private ConnectionOptions Alice(FaultInjectingProxy proxy, string resource) => Alice(Server, proxy, resource);

    /// <summary>Alice behind <paramref name="proxy"/>, with the hosted defaults that matter here and a quick reconnect.</summary>
    internal static ConnectionOptions Alice(XmppServer server, FaultInjectingProxy proxy, string resource)
    {
        ConnectionOptions options = server.Client("alice", "alicepw");
        options.Port = proxy.Port;
        options.Login.Resource = resource;
        options.Delivery.Acknowledged = true;
        options.Delivery.PurgeQueueOnReady = true;
        options.Delivery.DuplicateWindow = 20_000;
        options.Reconnect.Enabled = true;
        options.Reconnect.InitialDelay = TimeSpan.FromMilliseconds(100);
        options.Reconnect.MaxDelay = TimeSpan.FromMilliseconds(500);
        return options;
    }

    private ConnectionOptions Bob(string resource) => Bob(Server, resource);

    internal static ConnectionOptions Bob(XmppServer server, string resource)
    {
        ConnectionOptions options = server.Client("bob", "bobpw");
        options.Login.Resource = resource;
        options.Delivery.DuplicateWindow = 20_000;
        return options;
    }

    internal static XElement Chat(string to, int n) =>
        new("message", new XAttribute("to", to), new XAttribute("type", "chat"), new XElement("body", n));

    [Test]
    public async Task CutsMidTrafficLoseNothingAndRepeatNothingEitherWay(CancellationToken cancellationToken)
    {
        const int Count = 10_000;
        await using FaultInjectingProxy proxy = FaultInjectingProxy.Start(Server.Host, Server.ClientPort);
        await using var alice = new CountingBot(Alice(proxy, "sm-alice"), echo: false);
        var statuses = new ConcurrentQueue<ConnectionStatusEventArgs>();
        alice.StatusChanged += (_, e) => statuses.Enqueue(e);
        var bobLog = new RecordingLogger();
        await using var bob = new CountingBot(Bob("sm-bob"), echo: false, bobLog);
        await alice.ConnectAsync(cancellationToken);
        await bob.ConnectAsync(cancellationToken);
        Assert.That(statuses.Any(s => s.Status == ConnectionStatus.StreamManagementEnabled), Is.True, $"{Server} offers stream management");
        int Seen(ConnectionStatus status) => statuses.Count(s => s.Status == status);
        string Recent() => string.Join(", ", statuses.Select(s => s.Status).Where(s => s >= ConnectionStatus.Ready).TakeLast(12));

        // Bob to alice: the proxy resets alice's connection twice while the messages flow; the server keeps what she
        // had not acknowledged and sends it again on the resumed session.
        await FlowAsync(bob, alice, Count, proxy, () => Seen(ConnectionStatus.StreamResumed), Recent, cancellationToken);
        Assert.That(alice.Received.Keys.Order(), Is.EqualTo(Enumerable.Range(0, Count)), "every message reached alice's handler");
        Assert.That(alice.Repeats, Is.Zero, "none twice at alice's handler");
        Assert.That(Seen(ConnectionStatus.StreamResumed), Is.EqualTo(2), "both cuts resumed");
        Assert.That(Seen(ConnectionStatus.Ready), Is.EqualTo(1), "never a new session");

        // Alice to bob: what the server had not acknowledged goes out again after each cut. A server that cannot go on
        // with the session (Prosody 0.12 after a cut in the middle of one of alice's stanzas) gets a new one and the
        // same stanzas, whose origin-ids let bob's duplicate filter take the copies for what they are.
        int before = Seen(ConnectionStatus.StreamResumed) + Seen(ConnectionStatus.StreamResumeFailed);
        await FlowAsync(alice, bob, Count, proxy, () => Seen(ConnectionStatus.StreamResumed) + Seen(ConnectionStatus.StreamResumeFailed) - before, Recent, cancellationToken);
        Assert.That(bob.Received.Keys.Order(), Is.EqualTo(Enumerable.Range(0, Count)), "every message reached bob's handler");
        Assert.That(bob.Repeats, Is.Zero, "none twice at bob's handler");
        int copies = bobLog.All.Split('\n').Count(l => l.Contains("dropped a repeated message", StringComparison.Ordinal));
        TestContext.Progress.WriteLine($"{Server}: {Count} messages each way, two cuts each: alice handled {alice.Received.Count} ({alice.Repeats} twice); " +
            $"bob handled {bob.Received.Count} ({bob.Repeats} twice, {copies} copies dropped by his duplicate filter); " +
            $"{Seen(ConnectionStatus.StreamResumed)} resumptions, {Seen(ConnectionStatus.StreamResumeFailed)} new sessions");
    }

    /// <summary>
    /// <paramref name="from"/> sends <paramref name="count"/> messages to <paramref name="to"/> at about 1,500 a second;
    /// the proxy resets every connection at a quarter and at three fifths of them, each time once the previous cut was
    /// recovered from (<paramref name="recoveries"/> counts them). Returns when <paramref name="to"/> has them all.
    /// </summary>
    internal static async Task FlowAsync(CountingBot from, CountingBot to, int count, FaultInjectingProxy proxy, Func<int> recoveries, Func<string> recent,
        CancellationToken cancellationToken)
    {
        string address = to.Jid!.ToString();
        Task sending = Task.Run(async () =>
        {
            for (int i = 0; i < count; i++)
            {
                await from.SendAsync(Chat(address, i), cancellationToken);
                if (i % 20 == 19) await Task.Delay(10, cancellationToken);
            }
        }, cancellationToken);
        int cuts = 0;
        foreach (int cutAt in new[] { count / 4, count * 3 / 5 })
        {
            await TestWait.UntilAsync(() => to.Received.Count >= cutAt, () => $"{cutAt} messages at {address} (has {to.Received.Count})", TimeSpan.FromSeconds(60));
            proxy.ResetAll();
            cuts++;
            await TestWait.UntilAsync(() => recoveries() >= cuts, () => $"the cut to be recovered from ({recent()})", TimeSpan.FromSeconds(30));
        }
        await sending;
        await TestWait.UntilAsync(() => to.Received.Count == count, () => $"all {count} messages at {address} (has {to.Received.Count}; {recent()})", TimeSpan.FromSeconds(90));
    }

    [Test]
    public async Task WhenTheServerCannotResumeANewSessionSendsAgainWhatItHadNotAcknowledged(CancellationToken cancellationToken)
    {
        await using FaultInjectingProxy proxy = FaultInjectingProxy.Start(Server.Host, Server.ClientPort);
        ConnectionOptions options = Alice(proxy, "sm-lost");
        options.StreamManagement.AckEvery = 1000; // no ack asked for the five messages below before the cut
        options.StreamManagement.AckDelay = TimeSpan.FromMinutes(1);
        await using var alice = new CountingBot(options, echo: false);
        var statuses = new ConcurrentQueue<ConnectionStatusEventArgs>();
        alice.StatusChanged += (_, e) => statuses.Enqueue(e);
        var bobLog = new RecordingLogger();
        await using var bob = new CountingBot(Bob("sm-receiver"), echo: false, bobLog);
        await alice.ConnectAsync(cancellationToken);
        await bob.ConnectAsync(cancellationToken);

        for (int i = 0; i < 5; i++) await alice.SendAsync(Chat(bob.Jid!.ToString(), i), cancellationToken);
        await TestWait.UntilAsync(() => bob.Received.Count == 5, () => $"bob to get the five messages (has {bob.Received.Count})", TimeSpan.FromSeconds(15));

        // The cut, then the same resource logs in elsewhere while alice cannot reach the server: the session she left
        // is replaced, so the server can no longer resume it.
        proxy.Stall();
        proxy.ResetAll();
        await TestWait.UntilAsync(() => !alice.IsReady, "alice to notice the cut");
        ConnectionOptions rival = Server.Client("alice", "alicepw");
        rival.Login.Resource = "sm-lost";
        await using (var other = new Component(rival))
        {
            await other.ConnectAsync(cancellationToken);
            await other.ShutdownAsync(cancellationToken);
        }
        proxy.Resume();

        await TestWait.UntilAsync(() => statuses.Count(s => s.Status == ConnectionStatus.Ready) == 2,
            () => $"a new session ({string.Join(", ", statuses.Select(s => s.Status).Where(s => s >= ConnectionStatus.Ready).TakeLast(12))})", TimeSpan.FromSeconds(60));
        Assert.That(statuses.Single(s => s.Status == ConnectionStatus.StreamResumeFailed).Detail, Does.StartWith("the server answered"));
        // The five go out again on the new session with their origin-ids: bob's duplicate filter takes them for copies.
        await TestWait.UntilAsync(() => bobLog.All.Split('\n').Count(l => l.Contains("dropped a repeated message", StringComparison.Ordinal)) == 5,
            () => $"bob to drop the five copies (log: {bobLog.All})", TimeSpan.FromSeconds(15));
        Assert.That(bob.Received.Keys.Order(), Is.EqualTo(Enumerable.Range(0, 5)));
        Assert.That(bob.Repeats, Is.Zero, "each once at bob's handler");
    }

    [Test]
    public async Task AStanzaCutInTheMiddleIsSentAgainWhetherTheServerResumesOrNot(CancellationToken cancellationToken)
    {
        await using FaultInjectingProxy proxy = FaultInjectingProxy.Start(Server.Host, Server.ClientPort);
        await using var alice = new CountingBot(Alice(proxy, "sm-cut"), echo: false);
        var statuses = new ConcurrentQueue<ConnectionStatusEventArgs>();
        alice.StatusChanged += (_, e) => statuses.Enqueue(e);
        await using var bob = new CountingBot(Bob("sm-whole"), echo: false);
        await alice.ConnectAsync(cancellationToken);
        await bob.ConnectAsync(cancellationToken);

        // A 40 KB start tag spans several TLS records: the server decrypts the first and is left inside the tag.
        proxy.CutClientAfter(20_000);
        XElement big = Chat(bob.Jid!.ToString(), 7);
        big.SetAttributeValue("id", new string('i', 40_000));
        await alice.SendAsync(big, cancellationToken);
        await TestWait.UntilAsync(() => statuses.Any(s => s.Status is ConnectionStatus.StreamResumed or ConnectionStatus.StreamResumeFailed),
            () => $"alice back ({string.Join(", ", statuses.Select(s => s.Status).Where(s => s >= ConnectionStatus.Ready))})", TimeSpan.FromSeconds(30));
        await alice.SendAsync(Chat(bob.Jid!.ToString(), 8), cancellationToken);

        await TestWait.UntilAsync(() => bob.Received.Count == 2, () => $"both messages at bob (has {bob.Received.Count})", TimeSpan.FromSeconds(30));
        Assert.That(bob.Received.Keys.Order(), Is.EqualTo(new[] { 7, 8 }));
        Assert.That(bob.Repeats, Is.Zero);
        TestContext.Progress.WriteLine($"{Server}: after a cut inside a start tag: " +
            string.Join(", ", statuses.Select(s => s.Status).Where(s => s is >= ConnectionStatus.Ready and not ConnectionStatus.ReconnectScheduled)));
    }
}
