using System.Xml.Linq;
using ComponentSdk.Tests.Support;
using ComponentSdk.Xml;
using Microsoft.Extensions.Logging;

namespace ComponentSdk.Tests.Components;

[CancelAfter(20_000)]
public class HandlerTests : RouterFixture
{
    private static XElement Iq(string type, XName payload, string id) =>
        new("iq", new XAttribute("type", type), new XAttribute("id", id), new XAttribute("to", "echo.localhost"), new XAttribute("from", "alice@localhost/r"), new XElement(payload));

    [Test]
    public async Task AnUnhandledRequestGetsServiceUnavailable(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync();
        await Router.SendAsync(Iq("get", XName.Get("query", "urn:unknown"), "u1"));
        XElement reply = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.That(reply.Type(), Is.EqualTo("error"));
        Assert.That(reply.Id(), Is.EqualTo("u1"));
        Assert.That(reply.To(), Is.EqualTo("alice@localhost/r"));
        Assert.That(reply.From(), Is.EqualTo("echo.localhost"));
        Assert.That(reply.ErrorCondition(), Is.EqualTo("service-unavailable"));
    }

    [Test]
    public async Task ResultsAndErrorsNobodyWaitsForAreNotAnswered(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync();
        await Router.SendAsync(new XElement("iq", new XAttribute("type", "result"), new XAttribute("id", "stray"), new XAttribute("to", "echo.localhost")));
        await Router.SendAsync(Iq("get", XName.Get("ping", "urn:xmpp:ping"), "p1"));
        XElement reply = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.That(reply.Id(), Is.EqualTo("p1"), "nothing was sent for the stray result");
        Assert.That(reply.Type(), Is.EqualTo("result"));
    }

    [Test]
    public async Task PingVersionAndDiscoAreAnswered(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync();
        await Router.SendAsync(Iq("get", XName.Get("query", "jabber:iq:version"), "v1"));
        XElement version = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.That(version.Type(), Is.EqualTo("result"));
        Assert.That(version.Descendants(XName.Get("name", "jabber:iq:version")).Single().Value, Is.EqualTo("ComponentSdk.Tests"));

        await Router.SendAsync(Iq("get", XName.Get("query", "http://jabber.org/protocol/disco#info"), "d1"));
        XElement disco = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        XNamespace info = "http://jabber.org/protocol/disco#info";
        Assert.That(disco.Descendants(info + "identity").Single().Attribute("category")?.Value, Is.EqualTo("component"));
        Assert.That(disco.Descendants(info + "feature").Select(f => f.Attribute("var")?.Value),
            Is.SupersetOf(new[] { "http://jabber.org/protocol/disco#info", "http://jabber.org/protocol/disco#items", "urn:xmpp:ping", "jabber:iq:version", "urn:xmpp:time" }));
    }

    [Test]
    public async Task TimeIsAnsweredInXep0202Format(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync();
        await Router.SendAsync(Iq("get", XName.Get("time", "urn:xmpp:time"), "t1"));
        XElement reply = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        XNamespace time = "urn:xmpp:time";
        Assert.That(reply.Type(), Is.EqualTo("result"));
        string utc = reply.Descendants(time + "utc").Single().Value;
        Assert.That(utc, Does.Match(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"));
        Assert.That(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(1)));
        Assert.That(reply.Descendants(time + "tzo").Single().Value, Does.Match(@"^(Z|[+-]\d{2}:\d{2})$"));
    }

    [Test]
    public async Task DiscoItemsListsWhatTheComponentOffers(CancellationToken cancellationToken)
    {
        await using var component = new RoomsComponent(Router.OptionsFor("echo.localhost"));
        await component.ConnectAsync(cancellationToken);
        await Router.SendAsync(Iq("get", XName.Get("query", "http://jabber.org/protocol/disco#items"), "i1"));
        XElement reply = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        XNamespace items = "http://jabber.org/protocol/disco#items";
        Assert.That(reply.Descendants(items + "item").Select(i => (i.Attribute("jid")?.Value, i.Attribute("name")?.Value)),
            Is.EqualTo(new[] { ("lobby@echo.localhost", "Lobby"), ("dev@echo.localhost", "Developers") }));
    }

    private sealed class RoomsComponent(ConnectionOptions options) : Component(options)
    {
        protected override IEnumerable<(string Jid, string? Node, string? Name)> DiscoItemsFor(XElement request) =>
            [("lobby@echo.localhost", null, "Lobby"), ("dev@echo.localhost", null, "Developers")];
    }

    [Test]
    public async Task ARegisteredHandlerAnswersAndIsAdvertised(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync();
        XNamespace time = "urn:xmpp:time";
        component.HandleIq("get", time + "time", (iq, _) => ValueTask.FromResult<XElement?>(iq.ResultFor(new XElement(time + "time", new XElement(time + "utc", "2026-11-25T00:00:00Z")))));
        await Router.SendAsync(Iq("get", time + "time", "t1"));
        XElement reply = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.That(reply.Descendants(time + "utc").Single().Value, Is.EqualTo("2026-11-25T00:00:00Z"));
    }

    [TestCase(false, TestName = "AThrowingHandlerGetsInternalServerErrorForIqsAndTheConnectionSurvives(thread pool)")]
    [TestCase(true, TestName = "AThrowingHandlerGetsInternalServerErrorForIqsAndTheConnectionSurvives(event loop)")]
    public async Task AThrowingHandlerGetsInternalServerErrorForIqsAndTheConnectionSurvives(bool onEventLoop, CancellationToken cancellationToken)
    {
        var logger = new RecordingLogger();
        await using TestComponent component = await ConnectedAsync(configure: o => o.RunHandlersOnEventLoop = onEventLoop, logger: logger);
        component.ThrowOnBody = "boom";
        XElement iq = Iq("get", XName.Get("query", "jabber:iq:version"), "x1");
        iq.SetAttributeValue("throw", "yes");
        await Router.SendAsync(iq);
        XElement reply = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.That(reply.ErrorCondition(), Is.EqualTo("internal-server-error"));

        await Router.SendAsync(new XElement("message", new XAttribute("to", "a@echo.localhost"), new XElement("body", "boom")));
        await Router.SendAsync(new XElement("message", new XAttribute("to", "a@echo.localhost"), new XElement("body", "fine")));
        await component.WaitForMessagesAsync(1);
        Assert.That((string?)component.Messages.Single().Element("body"), Is.EqualTo("fine"));
        Assert.That(component.IsReady, Is.True);
        Assert.That(logger.Lines.Count(l => l.Text.Contains("handler failure")), Is.EqualTo(2), "both failures are logged");
    }

    [Test]
    public async Task HandlersRunInOrderOffTheNetworkThreadSoABlockedHandlerStallsNothingElse(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync();
        component.Gate = new SemaphoreSlim(0);
        for (int i = 0; i < 100; i++) await Router.SendAsync(new XElement("message", new XAttribute("to", "a@echo.localhost"), new XElement("body", i)));

        // While the handler is blocked, requests still complete: replies are matched on the network thread.
        Task<XElement> request = component.RequestAsync(new XElement("iq", new XAttribute("type", "get"), new XAttribute("to", "localhost")), cancellationToken: cancellationToken);
        XElement sent = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        await Router.SendAsync(new XElement("iq", new XAttribute("type", "result"), new XAttribute("id", sent.Id()!), new XAttribute("from", "localhost"),
            new XAttribute("to", "echo.localhost")));
        Assert.That((await request).Type(), Is.EqualTo("result"));

        component.Gate.Release(1000);
        await component.WaitForMessagesAsync(100);
        Assert.That(component.Messages.Select(m => (string?)m.Element("body")), Is.EqualTo(Enumerable.Range(0, 100).Select(i => i.ToString())));
        Assert.That(component.OnNetworkThreadAtStart, Is.All.False);
    }

    [Test]
    public async Task AnEchoComponentRepliesWithSwappedAddresses(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync();
        component.EchoMessages = true;
        await Router.SendAsync(new XElement("message", new XAttribute("to", "bot@echo.localhost"), new XAttribute("from", "alice@localhost/r"),
            new XAttribute("id", "m1"), new XAttribute("type", "chat"), new XElement("body", "hello")));
        XElement echo = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.That(echo.From(), Is.EqualTo("bot@echo.localhost"));
        Assert.That(echo.To(), Is.EqualTo("alice@localhost/r"));
        Assert.That(echo.Id(), Is.EqualTo("m1"));
        Assert.That(echo.Type(), Is.EqualTo("chat"));
        Assert.That((string?)echo.Element("body"), Is.EqualTo("hello"));
    }

    [Test]
    public async Task TwoComponentsTalkThroughTheRouter(CancellationToken cancellationToken)
    {
        await using TestComponent echo = await ConnectedAsync();
        echo.EchoMessages = true;
        await using TestComponent other = await ConnectedAsync("echo2.localhost");
        for (int i = 0; i < 200; i++)
        {
            await other.SendAsync(new XElement("message", new XAttribute("to", "bot@echo.localhost"), new XAttribute("from", "x@echo2.localhost"), new XElement("body", i)), cancellationToken);
        }
        await other.WaitForMessagesAsync(200);
        Assert.That(other.Messages.Select(m => (string?)m.Element("body")), Is.EqualTo(Enumerable.Range(0, 200).Select(i => i.ToString())));
    }

    [TestCase(false, TestName = "DisposalCancelsAHandlerStillWaitingAfterTheShutdownTimeout(thread pool)")]
    [TestCase(true, TestName = "DisposalCancelsAHandlerStillWaitingAfterTheShutdownTimeout(event loop)")]
    public async Task DisposalCancelsAHandlerStillWaitingAfterTheShutdownTimeout(bool onEventLoop, CancellationToken cancellationToken)
    {
        TestComponent component = await ConnectedAsync(configure: o =>
        {
            o.ShutdownTimeout = TimeSpan.FromMilliseconds(300);
            o.RunHandlersOnEventLoop = onEventLoop;
        });
        component.Gate = new SemaphoreSlim(0); // waits on the token the handler was given, which is Stopping
        await Router.SendAsync(Message("m1"));
        await TestComponent.Until(() => !component.OnNetworkThreadAtStart.IsEmpty, null, "the handler to start");

        Task disposal = component.DisposeAsync().AsTask();
        Assert.That(await Task.WhenAny(disposal, Task.Delay(TimeSpan.FromSeconds(10), cancellationToken)), Is.SameAs(disposal));
        await disposal;
        Assert.That(component.Messages, Is.Empty, "the handler was cancelled, not released");
    }

    [Test]
    public async Task AHandlerThatIgnoresCancellationIsLoggedAndDoesNotFailDisposal(CancellationToken cancellationToken)
    {
        var logger = new RecordingLogger();
        var release = new TaskCompletionSource();
        ConnectionOptions options = Router.OptionsFor("echo.localhost");
        options.ShutdownTimeout = TimeSpan.FromMilliseconds(300);
        var component = new StuckComponent(options, release.Task, logger);
        await component.ConnectAsync(cancellationToken);
        await Router.SendAsync(Message("m1"));
        await component.Started.Task.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);

        await component.DisposeAsync();
        Assert.That(logger.Lines.Select(l => l.Id.Id), Does.Contain(205), logger.All);
        release.SetResult();
    }

    private static XElement Message(string id) =>
        new("message", new XAttribute("to", "bot@echo.localhost"), new XAttribute("from", "alice@localhost/r"), new XAttribute("id", id), new XElement("body", "x"));

    private sealed class StuckComponent(ConnectionOptions options, Task release, ILogger logger) : Component(options, logger)
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async ValueTask OnMessageAsync(XElement message, CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            await release; // ignores cancellation on purpose
        }
    }
}
