using System.Collections.Concurrent;
using ClientBot;
using ComponentSdk.GroupChat;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ComponentSdk.IntegrationTests;

/// <summary>The example programs' components do what their READMEs say, against real servers.</summary>
[NonParallelizable]
[CancelAfter(60_000)]
public class ExampleTests
{
    [TestCase("prosody", ConnectionType.Client)]
    [TestCase("ejabberd", ConnectionType.Client)]
    [TestCase("jabberd2", ConnectionType.Client)]
    [TestCase("ejabberd", ConnectionType.Legacy)]
    [TestCase("jabberd2", ConnectionType.Legacy)]
    public async Task TheRosterBotFetchesItsRosterAndSendsItsMessage(string server, ConnectionType type, CancellationToken cancellationToken)
    {
        XmppServer xmpp = Servers.Get(server);
        await using var bob = new EchoBot(xmpp.Client("bob", "bobpw"), echo: false);
        await bob.ConnectAsync(cancellationToken);
        var options = Options.Create(new BotOptions { To = bob.Jid!.ToString(), Message = "roster bot says hi", Once = true });
        await using var bot = new RosterBot(xmpp.Client("alice", "alicepw", type), options, NullLogger<RosterBot>.Instance);

        await bot.ConnectAsync(cancellationToken);
        IReadOnlyList<string> roster = await bot.Done.WaitAsync(cancellationToken);

        Assert.That(roster, Is.Not.Null);
        await bob.WaitForAsync(1, TimeSpan.FromSeconds(15));
        Assert.That((string?)bob.Messages.Single().Element("body"), Is.EqualTo("roster bot says hi"));
    }

    [TestCase("prosody")]
    [TestCase("ejabberd")]
    public async Task TheRosterBotSitsInItsRoomAndAnswersThere(string server, CancellationToken cancellationToken)
    {
        XmppServer xmpp = Servers.Get(server);
        var address = Jid.Parse($"bots-{Guid.NewGuid():N}@conference.localhost");
        var options = Options.Create(new BotOptions { To = "alice@localhost", Rooms = [address.ToString()], Nick = "rosterbot" });
        await using var bot = new RosterBot(xmpp.Client("alice", "alicepw"), options, NullLogger<RosterBot>.Instance);
        await bot.ConnectAsync(cancellationToken);
        await bot.Done.WaitAsync(cancellationToken);

        await using var bob = new Component(xmpp.Client("bob", "bobpw"));
        await bob.ConnectAsync(cancellationToken);
        var muc = new MucClient(bob);
        var room = muc.Join(address, "bob");
        var heard = new ConcurrentQueue<RoomMessage>();
        room.MessageReceived += (_, m) => heard.Enqueue(m);
        await room.Joined.WaitAsync(TimeSpan.FromSeconds(15), cancellationToken);
        await TestWait.UntilAsync(() => room.Occupants.Any(o => o.Nick == "rosterbot"), "the bot to be in the room it was configured with");

        await room.SendAsync("rosterbot: are you there?", cancellationToken);
        await TestWait.UntilAsync(() => heard.Any(m => m.Nick == "rosterbot" && m.Body == "bob: you said \"are you there?\""), "the bot's answer in the room");
    }
}
