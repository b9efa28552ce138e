using System.Collections.Concurrent;
using System.Xml.Linq;
using ComponentSdk.GroupChat;
using ComponentSdk.Xml;

namespace ComponentSdk.IntegrationTests;

/// <summary>Group chat (XEP-0045) against Prosody's MUC component and ejabberd's mod_muc, on conference.localhost.</summary>
[CancelAfter(60_000)]
public class GroupChatTests
{
    private static Jid NewRoom() => Jid.Parse($"room-{Guid.NewGuid():N}@conference.localhost");

    private static async Task<Component> LoggedInAsync(string server, string user, CancellationToken cancellationToken)
    {
        var component = new Component(Servers.Get(server).Client(user, user + "pw"));
        await component.ConnectAsync(cancellationToken);
        return component;
    }

    [TestCase("prosody")]
    [TestCase("ejabberd")]
    public async Task ABotJoinsSeesWhoIsThereAndTalksWithThem(string server, CancellationToken cancellationToken)
    {
        Jid address = NewRoom();
        await using Component alice = await LoggedInAsync(server, "alice", cancellationToken);
        await using Component bob = await LoggedInAsync(server, "bob", cancellationToken);
        Room bot = await new MucClient(alice).JoinAsync(address, "bot", cancellationToken: cancellationToken);
        var heardByBot = new ConcurrentQueue<RoomMessage>();
        bot.MessageReceived += (_, m) => heardByBot.Enqueue(m);
        var joinedBot = new ConcurrentQueue<Occupant>();
        bot.OccupantJoined += (_, o) => joinedBot.Enqueue(o);

        Room bobs = await new MucClient(bob).JoinAsync(address, "bob", cancellationToken: cancellationToken);
        var heardByBob = new ConcurrentQueue<RoomMessage>();
        bobs.MessageReceived += (_, m) => heardByBob.Enqueue(m);
        Assert.That(bot.IsJoined && bobs.IsJoined, Is.True);
        Assert.That(bobs.Occupants.Select(o => o.Nick), Is.EquivalentTo(new[] { "bot", "bob" }), "the room lists everyone to a newcomer");
        await TestWait.UntilAsync(() => joinedBot.Any(o => o.Nick == "bob"), "the bot to see bob come in");

        await bobs.SendAsync("hello bot", cancellationToken);
        await TestWait.UntilAsync(() => heardByBot.Any(m => m.Body == "hello bot"), "the bot to hear bob");
        Assert.That(heardByBot.Single(m => m.Body == "hello bot").Nick, Is.EqualTo("bob"));

        await bot.SendAsync("hello bob", cancellationToken);
        await TestWait.UntilAsync(() => heardByBob.Any(m => m.Body == "hello bob"), "bob to hear the bot");
        await Task.Delay(300, cancellationToken);
        Assert.That(heardByBot.Select(m => m.Body), Does.Not.Contain("hello bob"), "the room's copy of our own message is not raised by default");

        await bobs.LeaveAsync(cancellationToken);
        await TestWait.UntilAsync(() => bot.Occupants.All(o => o.Nick != "bob"), "bob to be gone from the bot's list");
    }

    [TestCase("prosody")]
    [TestCase("ejabberd")]
    public async Task ATakenNickGetsTheSuffix(string server, CancellationToken cancellationToken)
    {
        Jid address = NewRoom();
        await using Component bob = await LoggedInAsync(server, "bob", cancellationToken);
        await using Component alice = await LoggedInAsync(server, "alice", cancellationToken);
        await new MucClient(bob).JoinAsync(address, "bot", cancellationToken: cancellationToken);
        var muc = new MucClient(alice);
        JoinFailedException? refused = await Assert.ThrowsAsync<JoinFailedException>(() =>
            muc.JoinAsync(address, "bot", new JoinOptions { NickConflictSuffix = "" }, cancellationToken));
        Assert.That(refused!.Condition, Is.EqualTo("conflict"), "without a suffix the first conflict ends the join");
        Assert.That(refused.Message, Does.Contain("taken"));

        Room room = await muc.JoinAsync(address, "bot", new JoinOptions { NickConflictSuffix = "-2" }, cancellationToken);
        Assert.That(room.Nick, Is.EqualTo("bot-2"));
    }

    [TestCase("prosody")]
    [TestCase("ejabberd")]
    public async Task RoomsAreEnteredAgainAfterANewConnection(string server, CancellationToken cancellationToken)
    {
        Jid address = NewRoom();
        await using Component alice = await LoggedInAsync(server, "alice", cancellationToken);
        await using Component bob = await LoggedInAsync(server, "bob", cancellationToken);
        Room bot = await new MucClient(alice).JoinAsync(address, "bot", cancellationToken: cancellationToken);
        Room bobs = await new MucClient(bob).JoinAsync(address, "bob", cancellationToken: cancellationToken);
        var heard = new ConcurrentQueue<string>();
        bot.MessageReceived += (_, m) => heard.Enqueue(m.Body);

        await alice.ConnectAsync(cancellationToken); // a new connection: a new session, outside the room
        await TestWait.UntilAsync(() => bot.IsJoined && bobs.Occupants.Any(o => o.Nick == "bot"), "the bot to be back in the room");
        await bobs.SendAsync("still there?", cancellationToken);
        await TestWait.UntilAsync(() => heard.Contains("still there?"), "the bot to hear the room again");
    }

    [Test]
    public async Task AComponentSitsInARoomUnderAnAddressOfItsDomain(CancellationToken cancellationToken)
    {
        Jid address = NewRoom();
        await using var echo = new Component(Servers.Prosody.Component("echo.localhost", "secret"));
        await echo.ConnectAsync(cancellationToken);
        await using Component bob = await LoggedInAsync("prosody", "bob", cancellationToken);
        Room bot = await new MucClient(echo, Jid.Parse("bot@echo.localhost")).JoinAsync(address, "echo", cancellationToken: cancellationToken);
        var heard = new ConcurrentQueue<RoomMessage>();
        bot.MessageReceived += (_, m) => heard.Enqueue(m);
        Room bobs = await new MucClient(bob).JoinAsync(address, "bob", cancellationToken: cancellationToken);
        Assert.That(bobs.Occupants.Select(o => o.Nick), Does.Contain("echo"));
        await bobs.SendAsync("hi echo", cancellationToken);
        await TestWait.UntilAsync(() => heard.Any(m => m.Body == "hi echo" && m.Nick == "bob"), "the component to hear bob in the room");
    }

    [TestCase("prosody")]
    [TestCase("ejabberd")]
    public async Task APasswordProtectedRoomLetsInOnlyWithThePassword(string server, CancellationToken cancellationToken)
    {
        Jid address = NewRoom();
        await using Component alice = await LoggedInAsync(server, "alice", cancellationToken);
        await using Component bob = await LoggedInAsync(server, "bob", cancellationToken);
        // Alice creates the room and configures it herself (XEP-0045 §10.1.3) with a password.
        await new MucClient(alice).JoinAsync(address, "owner", new JoinOptions { CreateInstantRoom = false }, cancellationToken);
        XNamespace owner = "http://jabber.org/protocol/muc#owner", data = "jabber:x:data";
        XElement Field(string var, string value) => new(data + "field", new XAttribute("var", var), new XElement(data + "value", value));
        XElement reply = await alice.RequestAsync(new XElement("iq", new XAttribute("type", "set"), new XAttribute("to", address.ToString()),
            new XElement(owner + "query", new XElement(data + "x", new XAttribute("type", "submit"),
                Field("FORM_TYPE", "http://jabber.org/protocol/muc#roomconfig"),
                Field("muc#roomconfig_passwordprotectedroom", "1"),
                Field("muc#roomconfig_roomsecret", "s3cret")))), cancellationToken: cancellationToken);
        Assert.That(reply.Type(), Is.EqualTo("result"), reply.ToString());

        var muc = new MucClient(bob);
        JoinFailedException? refused = await Assert.ThrowsAsync<JoinFailedException>(() => muc.JoinAsync(address, "bob", cancellationToken: cancellationToken));
        Assert.That(refused!.Condition, Is.EqualTo("not-authorized"));
        Assert.That(refused.Message, Does.Contain("password"));
        Room room = await muc.JoinAsync(address, "bob", new JoinOptions { Password = "s3cret" }, cancellationToken);
        Assert.That(room.Occupants.Select(o => o.Nick), Is.EquivalentTo(new[] { "owner", "bob" }));
    }
}
