using System.Collections.Concurrent;
using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.IntegrationTests;

/// <summary>A stanza the server refuses every time is given up on, reported, and nothing else is lost.</summary>
[NonParallelizable]
[CancelAfter(120_000)]
public class DeadLetterTests
{
    [Test]
    public async Task AReplyOverTheServersLimitIsDroppedAfterThreeAttemptsAndTheComponentCarriesOn(CancellationToken cancellationToken)
    {
        // ejabberd ends the stream of a component that sends a stanza over the listener's max_stanza_size.
        XmppServer server = XmppServer.Start("ejabberd", 26622, 26747, new Dictionary<string, string> { ["EJABBERD_MAX_STANZA_SIZE"] = "65536" }, instance: "-small");
        try
        {
            ConnectionOptions options = server.Component("echo.localhost", "secret");
            options.Delivery.Acknowledged = true; // the hosted defaults
            options.Delivery.DuplicateWindow = 10_000;
            options.Delivery.PurgeQueueOnReady = true;
            options.Reconnect.Enabled = true;
            options.Reconnect.InitialDelay = TimeSpan.FromMilliseconds(100);
            options.Reconnect.MaxDelay = TimeSpan.FromMilliseconds(300);
            await using var echo = new Peer(options, echo: true);
            var statuses = new ConcurrentQueue<ConnectionStatusEventArgs>();
            echo.StatusChanged += (_, e) => statuses.Enqueue(e);
            await echo.ConnectAsync(cancellationToken);

            await using var bob = new EchoBot(server.Client("bob", "bobpw"), echo: false);
            await bob.ConnectAsync(cancellationToken);
            string big = new('x', 100_000);
            await bob.SendAsync(new XElement("message", new XAttribute("to", "bot@echo.localhost"), new XAttribute("type", "chat"),
                new XAttribute("id", "big"), new XElement("body", big)), cancellationToken);

            await TestWait.UntilAsync(() => statuses.Any(s => s.Status == ConnectionStatus.StanzaDropped), "the dead letter", TimeSpan.FromSeconds(60));
            ConnectionStatusEventArgs dropped = statuses.First(s => s.Status == ConnectionStatus.StanzaDropped);
            Assert.That(dropped.Stanza!.Element("body")!.Value, Has.Length.EqualTo(100_000), "the reply over the limit");
            Assert.That(dropped.Error, Is.TypeOf<StanzaDroppedException>());
            // ejabberd answers with policy-violation and closes; when it closes while our bytes are still arriving, its
            // kernel resets the connection, and a reset discards the stream error still unread on our side.
            Assert.That(dropped.Error!.Message, Does.Contain("after 3 attempts").And.Contain("policy-violation").Or.Contain("closed by the server"));
            Assert.That(statuses.Count(s => s.Status == ConnectionStatus.SocketFail), Is.InRange(1, 3), "at most three disconnects");

            // The component carries on: the next message is echoed.
            await TestWait.UntilAsync(() => echo.IsReady, "the component back", TimeSpan.FromSeconds(20));
            await bob.SendAsync(new XElement("message", new XAttribute("to", "bot@echo.localhost"), new XAttribute("type", "chat"),
                new XAttribute("id", "small"), new XElement("body", "small")), cancellationToken);
            await bob.WaitForAsync(1, TimeSpan.FromSeconds(20));
            Assert.That(bob.Messages.Select(m => m.Element("body")!.Value), Is.EqualTo(new[] { "small" }));
        }
        finally
        {
            server.Stop(keepLogs: TestContext.CurrentContext.Result.FailCount > 0);
        }
    }
}
