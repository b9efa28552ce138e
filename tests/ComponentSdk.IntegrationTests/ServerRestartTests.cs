using System.Collections.Concurrent;
using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.IntegrationTests;

/// <summary>
/// The server is stopped and started again while a component sends and receives thousands of stanzas. The
/// component sends to its own domain, so a stanza counts as arrived only once it has been through the server and
/// back; each test has a server of its own, since it stops it.
/// </summary>
[NonParallelizable]
[CancelAfter(120_000)]
public class ServerRestartTests
{
    [TestCase("prosody", 25422, 25547)]
    [TestCase("ejabberd", 26422, 26547)]
    public async Task AfterARestartUnderLoadEveryAcceptedStanzaArrivesExactlyOnceInOrder(string name, int c2sPort, int componentPort, CancellationToken cancellationToken)
    {
        const int Count = 5000;
        XmppServer server = XmppServer.Start(name, c2sPort, componentPort, instance: "-restart");
        bool passed = false;
        try
        {
            ConnectionOptions options = server.Component("echo.localhost", "secret");
            options.Delivery.Acknowledged = true;
            options.Delivery.DuplicateWindow = 10_000;
            options.Delivery.PurgeQueueOnReady = true;
            options.Reconnect.Enabled = true;
            options.Reconnect.InitialDelay = TimeSpan.FromMilliseconds(100);
            options.Reconnect.MaxDelay = TimeSpan.FromMilliseconds(500);
            options.Reconnect.MaxAttempts = 0;
            await using var component = new Peer(options);
            var statuses = new ConcurrentQueue<ConnectionStatusEventArgs>();
            component.StatusChanged += (_, e) => statuses.Enqueue(e);
            await component.ConnectAsync(cancellationToken);

            int accepted = 0;
            bool Flowing() => component.Messages.Count > 500;
            Task sending = Task.Run(async () =>
            {
                for (int i = 0; i < Count; i++)
                {
                    // A server slow to echo the first stanzas must not see them all sent before it is stopped.
                    if (i == 1000) await TestWait.UntilAsync(Flowing, "traffic to flow before the restart", TimeSpan.FromSeconds(30));
                    await component.SendAsync(new XElement("message", new XAttribute("from", "load@echo.localhost"), new XAttribute("to", "sink@echo.localhost"),
                        new XElement("body", i)), cancellationToken);
                    Interlocked.Increment(ref accepted);
                    if (i % 25 == 0) await Task.Delay(5, cancellationToken);
                }
            }, cancellationToken);

            await TestWait.UntilAsync(Flowing, "traffic to flow before the restart", TimeSpan.FromSeconds(30));
            server.Kill();
            int acceptedAtStop = Volatile.Read(ref accepted);
            await TestWait.UntilAsync(() => !component.IsReady, "the component to notice the server went away");
            await Task.Delay(500, cancellationToken);
            server = server.StartAgain();

            await sending;
            await TestWait.UntilAsync(() => component.Messages.Count >= Count,
                () => $"{Count} messages (have {component.Messages.Count}; ready {component.IsReady}, queued {component.QueuedStanzas.Count}, " +
                    $"unconfirmed {component.UnconfirmedCount}; statuses: {string.Join(", ", statuses.Select(s => s.Status))})",
                TimeSpan.FromSeconds(60));
            await TestWait.UntilAsync(() => component.UnconfirmedCount == 0 && component.QueuedStanzas.Count == 0, "everything confirmed", TimeSpan.FromSeconds(30));
            await Task.Delay(500, cancellationToken);

            TestContext.Out.WriteLine($"{name}: {acceptedAtStop} accepted when the server stopped; statuses: " +
                string.Join(", ", statuses.Select(s => s.Status).Distinct()));
            Assert.That(acceptedAtStop, Is.LessThan(Count), "the restart happened under load");
            Assert.That(statuses.Count(s => s.Status == ConnectionStatus.Ready), Is.GreaterThanOrEqualTo(2), "it reconnected by itself");
            Assert.That(statuses.Any(s => s.Status == ConnectionStatus.ReconnectScheduled), Is.True);
            Assert.That(component.Messages.Select(m => (int)m.Element("body")!), Is.EqualTo(Enumerable.Range(0, Count)), "exactly once, in order");
            passed = true;
        }
        finally
        {
            if (!passed) server.ReportLogs(TestContext.Out);
            server.Stop(keepLogs: !passed);
        }
    }
}
