using System.Xml.Linq;
using ComponentSdk.Presence;
using ComponentSdk.Tests.Components;
using ComponentSdk.Tests.Support;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Presence;

/// <summary>Presence for served addresses through the loopback router: the policy, probes, and announcements.</summary>
[CancelAfter(20_000)]
public class ServedPresenceTests : RouterFixture
{
    [Test]
    public async Task AnAcceptedSubscriptionIsConfirmedAndAnsweredWithPresenceAndProbesAreAnswered(CancellationToken cancellationToken)
    {
        var store = new InMemorySubscriptionStore();
        await using Component component = await ConnectedAsync(new PresenceOptions
        {
            Store = store,
            PresenceOf = jid => new XElement("presence", new XElement("status", $"{jid.Local} is here")),
        }, cancellationToken);

        await Router.SendAsync(Presence("alice@localhost", "bot@echo.localhost", "subscribe"));
        XElement subscribed = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        XElement presence = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.That((subscribed.Type(), subscribed.From(), subscribed.To()), Is.EqualTo(("subscribed", "bot@echo.localhost", "alice@localhost")));
        Assert.That((presence.Type(), presence.Element("status")?.Value), Is.EqualTo(((string?)null, "bot is here")));
        Assert.That(await store.ContainsAsync(Jid.Parse("alice@localhost"), Jid.Parse("bot@echo.localhost"), cancellationToken), Is.True);

        await Router.SendAsync(Presence("alice@localhost/phone", "bot@echo.localhost", "probe"));
        XElement probed = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.That((probed.Type(), probed.To()), Is.EqualTo(((string?)null, "alice@localhost/phone")), "the prober's full JID gets the presence");

        await Router.SendAsync(Presence("mallory@localhost", "bot@echo.localhost", "probe"));
        Assert.That((await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).Type(), Is.EqualTo("unsubscribed"), "not a subscriber");

        await Router.SendAsync(Presence("alice@localhost", "bot@echo.localhost", "unsubscribe"));
        Assert.That((await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).Type(), Is.EqualTo("unavailable"));
        Assert.That(await store.ContainsAsync(Jid.Parse("alice@localhost"), Jid.Parse("bot@echo.localhost"), cancellationToken), Is.False);
    }

    [Test]
    public async Task APolicyRefusesOrAsksAndAnAddressNotServedIsNotFound(CancellationToken cancellationToken)
    {
        ServedPresence? presence = null;
        await using Component component = await ConnectedAsync(new PresenceOptions
        {
            Serves = jid => jid.Local != "nobody",
            OnSubscribe = (from, _, _) => ValueTask.FromResult(from.Local == "mallory" ? SubscriptionDecision.Refuse : SubscriptionDecision.Ask),
        }, cancellationToken, created => presence = created);

        await Router.SendAsync(Presence("mallory@localhost", "bot@echo.localhost", "subscribe"));
        Assert.That((await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).Type(), Is.EqualTo("unsubscribed"));

        await Router.SendAsync(Presence("alice@localhost", "nobody@echo.localhost", "subscribe"));
        Assert.That((await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).ErrorCondition(), Is.EqualTo("item-not-found"));

        await Router.SendAsync(Presence("alice@localhost", "echo.localhost", "subscribe"));
        await TestComponent.Until(() => presence!.Waiting.Count == 1, null, "the request to wait for a decision");
        Assert.That(presence!.Waiting.Single(), Is.EqualTo((Jid.Parse("alice@localhost"), Jid.Parse("echo.localhost"))));
        await presence.ApproveAsync(Jid.Parse("alice@localhost"), Jid.Parse("echo.localhost"), cancellationToken);
        Assert.That((await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).Type(), Is.EqualTo("subscribed"));
        Assert.That((await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).Type(), Is.Null, "then the presence");
        Assert.That(presence.Waiting, Is.Empty);
    }

    [Test]
    public async Task SubscribersAreToldWhenTheComponentComesAndGoes(CancellationToken cancellationToken)
    {
        var store = new InMemorySubscriptionStore();
        await store.AddAsync(Jid.Parse("alice@localhost"), Jid.Parse("bot@echo.localhost"), cancellationToken);
        await using Component component = await ConnectedAsync(new PresenceOptions { Store = store }, cancellationToken);

        XElement available = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.That((available.Type(), available.From(), available.To()), Is.EqualTo(((string?)null, "bot@echo.localhost", "alice@localhost")));

        await component.ShutdownAsync(cancellationToken);
        XElement gone = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.That((gone.Type(), gone.To()), Is.EqualTo(("unavailable", "alice@localhost")));
    }

    private async Task<Component> ConnectedAsync(PresenceOptions options, CancellationToken cancellationToken, Action<ServedPresence>? created = null)
    {
        var component = new Component(Router.OptionsFor("echo.localhost"));
        var presence = new ServedPresence(component, options);
        created?.Invoke(presence);
        await component.ConnectAsync(cancellationToken);
        return component;
    }

    private static XElement Presence(string from, string to, string type) =>
        new("presence", new XAttribute("from", from), new XAttribute("to", to), new XAttribute("type", type));
}
