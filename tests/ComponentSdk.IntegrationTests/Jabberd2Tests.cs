using System.Collections.Concurrent;
using System.Xml.Linq;
using ComponentSdk.Xml;
using Microsoft.Extensions.Logging.Abstractions;

namespace ComponentSdk.IntegrationTests;

/// <summary>The jabberd2 router component protocol against a real jabberd2.</summary>
[NonParallelizable]
[CancelAfter(60_000)]
public class Jabberd2Tests
{
    private static XmppServer Jabberd2 => Servers.Jabberd2;

    [Test]
    public async Task AUserMessagesTheEchoComponentAndGetsTheEcho(CancellationToken cancellationToken)
    {
        await using var echo = new Echo.EchoComponent(Jabberd2.RouterComponent("echo.localhost"), NullLogger<Echo.EchoComponent>.Instance);
        await echo.ConnectAsync(cancellationToken);
        Assert.That(echo.Jid!.ToString(), Is.EqualTo("echo.localhost"));
        await using var alice = new EchoBot(Jabberd2.Client("alice", "alicepw"), echo: false);
        await alice.ConnectAsync(cancellationToken);

        for (int i = 0; i < 50; i++)
        {
            await alice.SendAsync(new XElement("message", new XAttribute("to", "x@echo.localhost"), new XAttribute("type", "chat"), new XAttribute("id", $"j{i}"),
                new XElement("body", $"through the router {i}")), cancellationToken);
        }
        await alice.WaitForAsync(50, TimeSpan.FromSeconds(20));
        Assert.That(alice.Messages.Select(m => m.Id()), Is.EqualTo(Enumerable.Range(0, 50).Select(i => $"j{i}")));
        Assert.That(alice.Messages.All(m => m.From() == "x@echo.localhost"), Is.True);
    }

    [Test]
    public async Task AcknowledgedDeliveryIsConfirmedThroughTheRouter(CancellationToken cancellationToken)
    {
        ConnectionOptions options = Jabberd2.RouterComponent("echo.localhost");
        options.Delivery.Acknowledged = true;
        await using var component = new Component(options);
        await using var alice = new EchoBot(Jabberd2.Client("alice", "alicepw"), echo: false);
        await alice.ConnectAsync(cancellationToken);
        await component.ConnectAsync(cancellationToken);

        for (int i = 0; i < 200; i++)
        {
            await component.SendAsync(new XElement("message", new XAttribute("from", "x@echo.localhost"), new XAttribute("to", alice.Jid!.ToString()),
                new XAttribute("type", "chat"), new XElement("body", i)), cancellationToken);
        }
        await TestWait.UntilAsync(() => component.UnconfirmedCount == 0, $"the router to confirm everything (unconfirmed {component.UnconfirmedCount})");
        await alice.WaitForAsync(200, TimeSpan.FromSeconds(20));
        Assert.That(alice.Messages.Select(m => (int)m.Element("body")!), Is.EqualTo(Enumerable.Range(0, 200)));
    }

    [Test]
    public async Task IqsRoundTripBothWaysAndTwoNamesShareOneConnection(CancellationToken cancellationToken)
    {
        await using var component = new Peer(Jabberd2.RouterComponent("echo.localhost, echo2.localhost"));
        await component.ConnectAsync(cancellationToken);
        await using var alice = new EchoBot(Jabberd2.Client("alice", "alicepw"), echo: false);
        await alice.ConnectAsync(cancellationToken);

        foreach (string name in new[] { "echo.localhost", "echo2.localhost" })
        {
            XElement version = await alice.RequestAsync(new XElement("iq", new XAttribute("type", "get"), new XAttribute("to", name),
                new XElement(XName.Get("query", "jabber:iq:version"))), cancellationToken: cancellationToken);
            Assert.That(version.Type(), Is.EqualTo("result"), version.ToString());
            Assert.That(version.From(), Is.EqualTo(name));
        }

        XElement pong = await component.RequestAsync(new XElement("iq", new XAttribute("type", "get"), new XAttribute("to", alice.Jid!.ToString()),
            new XAttribute("from", "echo2.localhost"), new XElement(XName.Get("ping", "urn:xmpp:ping"))), cancellationToken: cancellationToken);
        Assert.That(pong.Type(), Is.EqualTo("result"), "the user's client answered the component's ping");
    }

    [Test]
    public async Task BindingANameAnotherConnectionHoldsIsA409(CancellationToken cancellationToken)
    {
        await using var first = new Peer(Jabberd2.RouterComponent("held.localhost"));
        await first.ConnectAsync(cancellationToken);
        await using var second = new Peer(Jabberd2.RouterComponent("held.localhost"));
        var error = await Assert.ThrowsAsync<BindFailedException>(() => second.ConnectAsync(cancellationToken));
        Assert.That(error!.Code, Is.EqualTo(409));
        Assert.That(error.Name, Is.EqualTo("held.localhost"));
        Assert.That(first.IsReady, Is.True);
    }

    [Test]
    public async Task ARouterUserWithoutTheAclGetsA403(CancellationToken cancellationToken)
    {
        await using var limited = new Peer(Jabberd2.RouterComponent("other.localhost", "limited", "limitedpw"));
        var error = await Assert.ThrowsAsync<BindFailedException>(() => limited.ConnectAsync(cancellationToken));
        Assert.That(error!.Code, Is.EqualTo(403));
    }

    [Test]
    public async Task ABadRouterPasswordIsTheSaslFailure(CancellationToken cancellationToken)
    {
        await using var component = new Peer(Jabberd2.RouterComponent("echo.localhost", password: "wrong"));
        var error = await Assert.ThrowsAsync<XmppAuthenticationException>(() => component.ConnectAsync(cancellationToken));
        Assert.That(error!.Condition, Is.EqualTo("not-authorized"));
    }

    [Test]
    public async Task ARequestToAnUnboundDomainFailsWithTheRoutersError(CancellationToken cancellationToken)
    {
        await using var component = new Peer(Jabberd2.RouterComponent("echo.localhost"));
        await component.ConnectAsync(cancellationToken);
        var error = await Assert.ThrowsAsync<RouteErrorException>(() => component.RequestAsync(new XElement("iq", new XAttribute("type", "get"),
            new XAttribute("to", "nowhere.invalid"), new XElement(XName.Get("ping", "urn:xmpp:ping"))), cancellationToken: cancellationToken));
        Assert.That(error!.Code, Is.EqualTo(404));
    }

    [Test]
    public async Task TheRouteLoggerSeesCopiesAndAnswersNone(CancellationToken cancellationToken)
    {
        await using var sink = new RouteLogger.RouteLoggerComponent(Jabberd2.RouterComponent("log.localhost", bindOption: "log"), NullLogger<RouteLogger.RouteLoggerComponent>.Instance);
        var copies = new ConcurrentQueue<(XElement Stanza, Jabberd2Route Envelope)>();
        sink.Copied += (stanza, envelope) => copies.Enqueue((stanza, envelope));
        await sink.ConnectAsync(cancellationToken);
        await using var bob = new EchoBot(Jabberd2.Client("bob", "bobpw"), echo: false);
        await using var alice = new EchoBot(Jabberd2.Client("alice", "alicepw"), echo: false);
        await bob.ConnectAsync(cancellationToken);
        await alice.ConnectAsync(cancellationToken);
        sink.RaiseElementEvents = true;
        var sent = new ConcurrentQueue<XElement>();
        var handled = new ConcurrentQueue<XElement>();
        sink.StatusChanged += (_, e) =>
        {
            if (e.Status == ConnectionStatus.NodeSent && e.Stanza is not null) sent.Enqueue(e.Stanza);
            if (e.Status == ConnectionStatus.NodeReceived && e.Stanza is not null) handled.Enqueue(e.Stanza);
        };

        await alice.SendAsync(new XElement("message", new XAttribute("to", bob.Jid!.ToString()), new XAttribute("type", "chat"), new XAttribute("id", "logged"),
            new XElement("body", "seen by the log sink")), cancellationToken);
        await bob.WaitForAsync(1, TimeSpan.FromSeconds(10));
        await TestWait.UntilAsync(() => copies.Any(c => c.Stanza.Id() == "logged"), "a copy at the log sink");
        await Task.Delay(300, cancellationToken);

        Assert.That(copies.Where(c => c.Stanza.Id() == "logged").All(c => (string?)c.Stanza.Element("body") == "seen by the log sink"), Is.True);
        Assert.That(copies.Where(c => c.Stanza.Id() == "logged").Select(c => c.Envelope.IsLogCopy), Is.All.True);
        Assert.That(sink.Counts.GetValueOrDefault("message"), Is.GreaterThanOrEqualTo(1), "counted by kind");
        Assert.That(sent.Where(s => s.Id() == "logged"), Is.Empty, "a log copy is never answered");
        Assert.That(handled.Where(s => s.Id() == "logged"), Is.Empty, "copies go to OnLogAsync, not to the stanza handlers");
    }
}
