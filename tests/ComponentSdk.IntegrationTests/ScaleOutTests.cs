using System.Collections.Concurrent;
using System.Xml.Linq;

namespace ComponentSdk.IntegrationTests;

/// <summary>
/// Several processes for one component domain on ejabberd, which hands each stanza to one of the domain's connections
/// at random: a delivery check that reaches the wrong process must still confirm its sender's stanzas, never make
/// anyone send them again.
/// </summary>
[NonParallelizable]
[CancelAfter(120_000)]
public class ScaleOutTests
{
    [TestCase(2)]
    [TestCase(3)]
    public async Task SeveralConnectionsForOneDomainEchoEveryMessageOnce(int connections)
    {
        CancellationToken cancellationToken = TestContext.CurrentContext.CancellationToken;
        const int Count = 200;
        XmppServer server = Servers.Ejabberd;
        var instances = new List<Peer>();
        var statuses = new ConcurrentQueue<ConnectionStatusEventArgs>();
        for (int i = 0; i < connections; i++) instances.Add(await EchoInstanceAsync(server, server.ComponentPort, statuses, cancellationToken));
        try
        {
            // Bob counts what comes back, copies included (no duplicate filter).
            await using var bob = new CountingBot(server.Client("bob", "bobpw"), echo: false);
            await bob.ConnectAsync(cancellationToken);
            for (int i = 0; i < Count; i++)
            {
                await bob.SendAsync(StreamManagementTests.Chat("bot@echo.localhost", i), cancellationToken);
                await Task.Delay(20, cancellationToken);
            }
            await TestWait.UntilAsync(() => bob.Received.Count == Count, () => $"every echo (have {bob.Received.Count})", TimeSpan.FromSeconds(30));
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken); // time for a recycled connection's copies

            TestContext.Progress.WriteLine($"{connections} connections for echo.localhost: {string.Join(", ", instances.Select(e => e.Messages.Count))} messages handled, " +
                $"bob got {bob.Received.Count} echoes ({bob.Repeats} twice)");
            Assert.That(bob.Received.Keys.Order(), Is.EqualTo(Enumerable.Range(0, Count)));
            Assert.That(bob.Repeats, Is.Zero, "no copies");
            Assert.That(instances.Select(e => e.Messages.Count), Has.All.GreaterThan(0), "the server spread the messages over all of them");
            foreach (Peer echo in instances) Assert.That(InOrder(echo, "bob@localhost"), Is.True, "each connection gets the sender's messages in order");
            Assert.That(statuses.Where(s => s.Status == ConnectionStatus.SocketFail).Select(s => s.Error?.Message), Is.Empty, "no connection recycled");
        }
        finally
        {
            foreach (Peer echo in instances) await echo.DisposeAsync();
        }
    }

    /// <summary>True when what <paramref name="echo"/> handled from <paramref name="sender"/> came in the order it was sent (numbered bodies).</summary>
    internal static bool InOrder(Peer echo, string sender)
    {
        int[] numbers = [.. echo.Messages.Where(m => m.Attribute("from")?.Value.Split('/')[0] == sender).Select(m => (int)m.Element("body")!)];
        return numbers.Zip(numbers.Skip(1)).All(pair => pair.First < pair.Second);
    }

    /// <summary>
    /// An Echo process for echo.localhost on <paramref name="port"/>, on the hosted defaults, connected; a check gone
    /// astray would recycle its connection within a test (RequestTimeout 3 s), which <paramref name="statuses"/> shows.
    /// </summary>
    internal static async Task<Peer> EchoInstanceAsync(XmppServer server, int port, ConcurrentQueue<ConnectionStatusEventArgs> statuses,
        CancellationToken cancellationToken)
    {
        ConnectionOptions options = server.Component("echo.localhost", "secret");
        options.Port = port;
        options.Delivery.Acknowledged = true;
        options.Delivery.PurgeQueueOnReady = true;
        options.Delivery.DuplicateWindow = 10_000;
        options.Reconnect.Enabled = true;
        options.RequestTimeout = TimeSpan.FromSeconds(3);
        var echo = new Peer(options, echo: true);
        echo.StatusChanged += (_, e) => statuses.Enqueue(e);
        await echo.ConnectAsync(cancellationToken);
        return echo;
    }
}
