using System.Xml.Linq;
using ComponentSdk.Privileges;
using ComponentSdk.Tests.Components;
using ComponentSdk.Tests.Support;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Privileges;

/// <summary>XEP-0356 through the loopback router, playing the server: what it grants, what that allows, in both versions.</summary>
[CancelAfter(20_000)]
public class PrivilegedEntityTests : RouterFixture
{
    [Test]
    public async Task OnlyWhatTheServerGrantedIsAllowedAndOnlyTheServerGrantsIt(CancellationToken cancellationToken)
    {
        await using var component = new Component(Router.OptionsFor("echo.localhost"));
        var privileged = new PrivilegedEntity(component);
        await component.ConnectAsync(cancellationToken);

        await Router.SendAsync(Grant("mallory@localhost", "urn:xmpp:privilege:2", ("roster", "both"), ("message", "outgoing")));
        await Router.SendAsync(Grant("localhost", "urn:xmpp:privilege:2", ("roster", "get"), ("presence", "roster")));
        await privileged.WhenGrantedAsync(TimeSpan.FromSeconds(5), cancellationToken);
        GrantedPrivileges granted = privileged.Privileges["localhost"];
        Assert.That((granted.Roster, granted.Message, granted.Presence), Is.EqualTo((RosterAccess.Get, MessageAccess.None, PresenceAccess.Roster)),
            "a user's grant is ignored; the server's counts");

        Task<IReadOnlyList<RosterItem>> reading = privileged.GetRosterAsync(Jid.Parse("alice@localhost/phone"), cancellationToken);
        XElement request = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.That((request.Type(), request.To()), Is.EqualTo(("get", "alice@localhost")), "asked of the bare JID");
        XNamespace roster = "jabber:iq:roster";
        await Router.SendAsync(new XElement("iq", new XAttribute("type", "result"), new XAttribute("id", request.Id()!), new XAttribute("from", "alice@localhost"),
            new XAttribute("to", "echo.localhost"), new XElement(roster + "query",
                new XElement(roster + "item", new XAttribute("jid", "bob@localhost"), new XAttribute("name", "Bob"), new XAttribute("subscription", "both"),
                    new XElement(roster + "group", "Friends")))));
        RosterItem bob = (await reading).Single();
        Assert.That(bob, Is.EqualTo(new RosterItem(Jid.Parse("bob@localhost"), "Bob", "both", ["Friends"])).Using<RosterItem>((a, b) =>
            a.Jid == b.Jid && a.Name == b.Name && a.Subscription == b.Subscription && a.Groups.SequenceEqual(b.Groups)));

        var refused = await Assert.ThrowsAsync<PrivilegeNotGrantedException>(() => privileged.SetRosterItemAsync(Jid.Parse("alice@localhost"), new RosterItem(Jid.Parse("x@localhost")), cancellationToken));
        Assert.That(refused!.Message, Does.Contain("change the rosters").And.Contain("roster 'get'"));
        Assert.That(() => privileged.GetRosterAsync(Jid.Parse("carol@elsewhere"), cancellationToken), Throws.TypeOf<PrivilegeNotGrantedException>().With.Message.Contains("granted it nothing"));
    }

    [TestCase("urn:xmpp:privilege:1")]
    [TestCase("urn:xmpp:privilege:2")]
    public async Task AMessageOnAUsersBehalfIsWrappedForTheServerInItsVersion(string version, CancellationToken cancellationToken)
    {
        await using var component = new Component(Router.OptionsFor("echo.localhost"));
        var privileged = new PrivilegedEntity(component);
        await component.ConnectAsync(cancellationToken);
        await Router.SendAsync(Grant("localhost", version, ("message", "outgoing")));
        await privileged.WhenGrantedAsync(TimeSpan.FromSeconds(5), cancellationToken);

        await privileged.SendMessageAsync(new XElement("message", new XAttribute("from", "alice@localhost"), new XAttribute("to", "bob@localhost"),
            new XElement("body", "hi")), cancellationToken);

        XElement sent = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.That((sent.To(), sent.From()), Is.EqualTo(("localhost", "echo.localhost")));
        XElement inner = sent.Element(XName.Get("privilege", version))!.Element(XName.Get("forwarded", "urn:xmpp:forward:0"))!.Elements().Single();
        // Written in jabber:client (the stream's content namespaces come out of the parser in no namespace).
        Assert.That(inner.Name, Is.EqualTo(XName.Get("message")));
        Assert.That((inner.From(), inner.To()), Is.EqualTo(("alice@localhost", "bob@localhost")));
        Assert.That(inner.Element("body")?.Value, Is.EqualTo("hi"));
    }

    private static XElement Grant(string from, string version, params (string Access, string Type)[] perms) =>
        new("message", new XAttribute("from", from), new XAttribute("to", "echo.localhost"),
            new XElement(XName.Get("privilege", version), perms.Select(p => new XElement(XName.Get("perm", version), new XAttribute("access", p.Access), new XAttribute("type", p.Type)))));
}
