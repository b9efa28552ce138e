using System.Xml.Linq;
using ComponentSdk.Tests.Support;
using ComponentSdk.Xml;
using Microsoft.Extensions.Logging;

namespace ComponentSdk.Tests.Components;

[CancelAfter(20_000)]
public class SendAndQueueTests : RouterFixture
{
    private static XElement Message(int n) => new("message", new XAttribute("to", "user@localhost"), new XAttribute("from", "echo.localhost"), new XElement("body", n));

    [Test]
    public async Task SendWhenReadyReachesTheServerInOrder(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync();
        for (int i = 0; i < 500; i++) await component.SendAsync(Message(i), cancellationToken);
        for (int i = 0; i < 500; i++) Assert.That((string?)(await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).Element("body"), Is.EqualTo(i.ToString()));
    }

    [Test]
    public async Task SendingFromManyThreadsLosesNothing(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync();
        await Parallel.ForAsync(0, 2000, cancellationToken, async (i, ct) => await component.SendAsync(Message(i), ct));
        var seen = new HashSet<string>();
        for (int i = 0; i < 2000; i++) seen.Add((string)(await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).Element("body")!);
        Assert.That(seen, Has.Count.EqualTo(2000));
    }

    [Test]
    public async Task DisposingWithAQueueLogsWhatWasNotSent(CancellationToken cancellationToken)
    {
        var logger = new RecordingLogger();
        var component = new TestComponent(Router.OptionsFor("echo.localhost"), logger);
        await component.SendAsync(Message(1), cancellationToken);
        await component.SendAsync(Message(2), cancellationToken);

        await component.DisposeAsync();

        Assert.That(logger.Lines.Where(l => l.Id.Id == 206).Select(l => (l.Level, l.Text)), Is.EqualTo(new[]
        {
            (LogLevel.Warning, "echo.localhost disposed with 2 stanzas still in the outgoing queue; they were not sent"),
        }));
    }

    [Test]
    public async Task BeforeConnectingStanzasAreQueuedAndNotSentUntilPurged(CancellationToken cancellationToken)
    {
        await using var component = new TestComponent(Router.OptionsFor("echo.localhost")) { RaiseElementEvents = true };
        var recorder = new StatusRecorder(component);

        await component.SendAsync(Message(1), cancellationToken);
        await component.SendAsync(Message(2), cancellationToken);
        Assert.That(component.QueuedStanzas.Select(s => (string?)s.Element("body")), Is.EqualTo(new[] { "1", "2" }));
        await recorder.WaitForAsync(ConnectionStatus.NodeQueued);
        Assert.That(recorder.Statuses.Take(4), Is.EqualTo(new[]
        {
            ConnectionStatus.SocketDisconnect, ConnectionStatus.NodeQueued, ConnectionStatus.SocketDisconnect, ConnectionStatus.NodeQueued,
        }));

        await component.ConnectAsync(cancellationToken);
        await component.SendAsync(Message(3), cancellationToken);
        Assert.That((string?)(await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).Element("body"), Is.EqualTo("3"), "the queue is not sent on Ready");
        Assert.That(component.QueuedStanzas, Has.Count.EqualTo(2));

        Assert.That(await component.PurgeQueueAsync(cancellationToken), Is.EqualTo(2));
        Assert.That((string?)(await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).Element("body"), Is.EqualTo("1"));
        Assert.That((string?)(await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).Element("body"), Is.EqualTo("2"));
        Assert.That(component.QueuedStanzas, Is.Empty);
    }

    [Test]
    public async Task PurgingWhileNotReadyKeepsTheQueueInOrder(CancellationToken cancellationToken)
    {
        await using var component = new TestComponent(Router.OptionsFor("echo.localhost"));
        for (int i = 0; i < 3; i++) await component.SendAsync(Message(i), cancellationToken);
        Assert.That(await component.PurgeQueueAsync(cancellationToken), Is.Zero);
        Assert.That(component.QueuedStanzas.Select(s => (string?)s.Element("body")), Is.EqualTo(new[] { "0", "1", "2" }));
    }

    [Test]
    public async Task WithPurgeQueueOnReadyTheQueueGoesOutFirst(CancellationToken cancellationToken)
    {
        ConnectionOptions options = Router.OptionsFor("echo.localhost");
        options.Delivery.PurgeQueueOnReady = true;
        await using var component = new TestComponent(options);
        await component.SendAsync(Message(1), cancellationToken);
        await component.ConnectAsync(cancellationToken);
        await component.SendAsync(Message(2), cancellationToken);
        Assert.That((string?)(await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).Element("body"), Is.EqualTo("1"));
        Assert.That((string?)(await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).Element("body"), Is.EqualTo("2"));
    }

    [Test]
    public async Task TheQueueSurvivesReconnects(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync();
        await Router.DisconnectAsync("echo.localhost");
        await TestComponent.Until(() => !component.IsReady, null, "the drop to be noticed");
        await component.SendAsync(Message(7), cancellationToken);
        await component.ReconnectAsync(cancellationToken: cancellationToken);
        Assert.That(component.QueuedStanzas, Has.Count.EqualTo(1));
        await component.PurgeQueueAsync(cancellationToken);
        Assert.That((string?)(await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).Element("body"), Is.EqualTo("7"));
    }

    [Test]
    public async Task ABoundedQueueRefusesInsteadOfDropping(CancellationToken cancellationToken)
    {
        ConnectionOptions options = Router.OptionsFor("echo.localhost");
        options.Limits.MaxQueuedStanzas = 2;
        await using var component = new TestComponent(options);
        await component.SendAsync(Message(1), cancellationToken);
        await component.SendAsync(Message(2), cancellationToken);
        var error = await Assert.ThrowsAsync<OutgoingQueueFullException>(async () => await component.SendAsync(Message(3), cancellationToken));
        Assert.That(error!.Capacity, Is.EqualTo(2));
        Assert.That(component.QueuedStanzas, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task AStanzaWithACharacterXmlForbidsIsRefusedAtOnce(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync();
        var bad = new XElement("message", new XAttribute("to", "user@localhost"), new XElement("body", "bell\u0007"));
        await Assert.ThrowsAsync<InvalidXmlCharacterException>(async () => await component.SendAsync(bad, cancellationToken));
        await component.SendAsync(Message(1), cancellationToken);
        Assert.That((string?)(await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).Element("body"), Is.EqualTo("1"), "the stream is intact");
    }
}
