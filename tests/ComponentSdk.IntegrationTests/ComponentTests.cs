using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.IntegrationTests;

/// <summary>XEP-0114 components against real servers: two components talk through the server.</summary>
[TestFixture("prosody")]
[TestFixture("ejabberd")]
[NonParallelizable]
[CancelAfter(60_000)]
public class ComponentTests(string serverName)
{
    private XmppServer Server => Servers.Get(serverName);

    [Test]
    public async Task TwoComponentsExchangeThousandsOfMessagesBothWaysNoneLostInOrder(CancellationToken cancellationToken)
    {
        await using var echo = new Peer(Server.Component("echo.localhost", "secret"), echo: true);
        await using var other = new Peer(Server.Component("echo2.localhost", "secret2"));
        await echo.ConnectAsync(cancellationToken);
        await other.ConnectAsync(cancellationToken);

        const int count = 3000;
        for (int i = 0; i < count; i++)
        {
            await other.SendAsync(new XElement("message", new XAttribute("from", "user@echo2.localhost"), new XAttribute("to", "bot@echo.localhost"),
                new XAttribute("id", $"m{i}"), new XElement("body", i)), cancellationToken);
        }

        await echo.WaitForAsync(count, TimeSpan.FromSeconds(45));
        await other.WaitForAsync(count, TimeSpan.FromSeconds(45));
        Assert.That(echo.Messages.Select(m => (string?)m.Element("body")), Is.EqualTo(Enumerable.Range(0, count).Select(i => i.ToString())), "echo2 -> echo in order");
        Assert.That(other.Messages.Select(m => m.Id()), Is.EqualTo(Enumerable.Range(0, count).Select(i => $"m{i}")), "echo -> echo2 in order");
        Assert.That(other.Messages.All(m => m.From() == "bot@echo.localhost" && m.To() == "user@echo2.localhost"), Is.True);
    }

    [Test]
    public async Task IqRequestsRoundTripBetweenComponentsBothWays(CancellationToken cancellationToken)
    {
        await using var echo = new Peer(Server.Component("echo.localhost", "secret"));
        await using var other = new Peer(Server.Component("echo2.localhost", "secret2"));
        await echo.ConnectAsync(cancellationToken);
        await other.ConnectAsync(cancellationToken);

        XElement pong = await other.RequestAsync(Iq("echo2.localhost", "echo.localhost", XName.Get("ping", "urn:xmpp:ping")), cancellationToken: cancellationToken);
        Assert.That(pong.Type(), Is.EqualTo("result"));
        Assert.That(pong.From(), Is.EqualTo("echo.localhost"));

        XElement version = await echo.RequestAsync(Iq("echo.localhost", "echo2.localhost", XName.Get("query", "jabber:iq:version")), cancellationToken: cancellationToken);
        Assert.That(version.Descendants(XName.Get("name", "jabber:iq:version")).Single().Value, Is.EqualTo("ComponentSdk.IntegrationTests"));

        XElement unknown = await echo.RequestAsync(Iq("echo.localhost", "echo2.localhost", XName.Get("query", "urn:nobody")), cancellationToken: cancellationToken);
        Assert.That(unknown.ErrorCondition(), Is.EqualTo("service-unavailable"));
    }

    [Test]
    public async Task ARequestReachesTheServerItself(CancellationToken cancellationToken)
    {
        await using var echo = new Peer(Server.Component("echo.localhost", "secret"));
        await echo.ConnectAsync(cancellationToken);
        XElement info = await echo.RequestAsync(Iq("echo.localhost", "localhost", XName.Get("query", "http://jabber.org/protocol/disco#info")), cancellationToken: cancellationToken);
        Assert.That(info.Type(), Is.EqualTo("result"), info.ToString());
        Assert.That(info.Descendants(XName.Get("identity", "http://jabber.org/protocol/disco#info")).Any(i => (string?)i.Attribute("category") == "server"), Is.True, info.ToString());
    }

    [Test]
    public async Task AWrongSecretIsNotAuthorized(CancellationToken cancellationToken)
    {
        await using var echo = new Peer(Server.Component("echo.localhost", "wrong"));
        var error = await Assert.ThrowsAsync<XmppAuthenticationException>(() => echo.ConnectAsync(cancellationToken));
        Assert.That(error!.Condition, Is.EqualTo("not-authorized"));
        Assert.That(echo.IsReady, Is.False);
    }

    [Test]
    public async Task ASecondComponentForTheSameDomainGetsTheServersOutcome(CancellationToken cancellationToken)
    {
        await using var first = new Peer(Server.Component("echo.localhost", "secret"));
        await using var second = new Peer(Server.Component("echo.localhost", "secret"));
        await first.ConnectAsync(cancellationToken);

        if (serverName == "prosody")
        {
            // Prosody's default component_conflict_resolve = "kick_new": the newcomer gets <conflict/>.
            var error = await Assert.ThrowsAsync<XmppAuthenticationException>(() => second.ConnectAsync(cancellationToken));
            Assert.That(error!.Condition, Is.EqualTo("conflict"));
            Assert.That(first.IsReady, Is.True);
        }
        else
        {
            // ejabberd accepts both and spreads the domain's traffic over them: each connection has its own status,
            // and together they receive every message exactly once.
            await second.ConnectAsync(cancellationToken);
            await Task.Delay(300, cancellationToken);
            Assert.That(first.IsReady && second.IsReady, Is.True);
            await using var sender = new Peer(Server.Component("echo2.localhost", "secret2"));
            await sender.ConnectAsync(cancellationToken);
            const int count = 200;
            for (int i = 0; i < count; i++)
            {
                await sender.SendAsync(new XElement("message", new XAttribute("from", $"user{i}@echo2.localhost"), new XAttribute("to", $"bot{i}@echo.localhost"),
                    new XAttribute("id", $"lb{i}"), new XElement("body", i)), cancellationToken);
            }
            await TestWait.UntilAsync(() => first.Messages.Count + second.Messages.Count >= count, "every message reached one of the two", TimeSpan.FromSeconds(20));
            await Task.Delay(300, cancellationToken);
            TestContext.Out.WriteLine($"ejabberd spread {count} messages as {first.Messages.Count} + {second.Messages.Count}");
            Assert.That(first.Messages.Concat(second.Messages).Select(m => m.Id()).Order(), Is.EqualTo(Enumerable.Range(0, count).Select(i => $"lb{i}").Order()), "each exactly once");
        }
    }

    [Test]
    public async Task AReplyForgedByAnotherComponentDoesNotCompleteARequest(CancellationToken cancellationToken)
    {
        await using var echo = new Peer(Server.Component("echo.localhost", "secret"));
        await using var other = new Holder(Server.Component("echo2.localhost", "secret2"));
        await echo.ConnectAsync(cancellationToken);
        await other.ConnectAsync(cancellationToken);

        Task<XElement> reply = echo.RequestAsync(Iq("echo.localhost", "bob@echo2.localhost", XName.Get("query", "jabber:iq:last")), cancellationToken: cancellationToken);
        XElement request = await other.Held.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        // Through the server, with the request's id: from another address of the domain, and from the domain itself.
        foreach (string forger in new[] { "mallory@echo2.localhost", "echo2.localhost" })
        {
            await other.SendAsync(new XElement("iq", new XAttribute("type", "result"), new XAttribute("id", request.Id()!),
                new XAttribute("from", forger), new XAttribute("to", "echo.localhost")), cancellationToken);
        }
        // The server keeps the order of echo2's stream: once this answer is back, the forgeries have arrived.
        await echo.RequestAsync(Iq("echo.localhost", "echo2.localhost", XName.Get("ping", "urn:xmpp:ping")), cancellationToken: cancellationToken);
        Assert.That(reply.IsCompleted, Is.False, "a forged reply does not complete the request");

        await other.SendAsync(request.ResultFor(), cancellationToken);
        Assert.That((await reply.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken)).From(), Is.EqualTo("bob@echo2.localhost"));
    }

    /// <summary>Holds the first jabber:iq:last request it gets, unanswered, for the test.</summary>
    private sealed class Holder(ConnectionOptions options) : Component(options)
    {
        public TaskCompletionSource<XElement> Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override ValueTask OnIqAsync(XElement iq, CancellationToken cancellationToken) =>
            iq.Elements().Any(e => e.Name.NamespaceName == "jabber:iq:last") && Held.TrySetResult(iq) ? ValueTask.CompletedTask : base.OnIqAsync(iq, cancellationToken);
    }

    private static XElement Iq(string from, string to, XName payload) =>
        new("iq", new XAttribute("type", "get"), new XAttribute("from", from), new XAttribute("to", to), new XElement(payload));
}
