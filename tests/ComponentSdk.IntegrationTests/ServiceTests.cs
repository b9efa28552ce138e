using System.Collections.Concurrent;
using System.Xml.Linq;
using ComponentSdk.Commands;
using ComponentSdk.Forms;
using ComponentSdk.Presence;
using ComponentSdk.Registration;
using ComponentSdk.Xml;

namespace ComponentSdk.IntegrationTests;

/// <summary>
/// What users do with services on components, through real servers: a user (the SDK's Client mode) discovers and runs a
/// multi-stage ad-hoc command, and registers with a component.
/// </summary>
[TestFixture("prosody")]
[TestFixture("ejabberd")]
[NonParallelizable]
[CancelAfter(60_000)]
public class ServiceTests(string serverName)
{
    private static readonly XNamespace DiscoItems = "http://jabber.org/protocol/disco#items";
    private static readonly XNamespace DiscoInfo = "http://jabber.org/protocol/disco#info";
    private static readonly XNamespace Cmd = AdHocCommands.Namespace;

    private XmppServer Server => Servers.Get(serverName);

    [Test]
    public async Task AUserDiscoversAndRunsAMultiStageCommand(CancellationToken cancellationToken)
    {
        await using var service = new Component(Server.Component("echo.localhost", "secret"));
        using var commands = new AdHocCommands(service);
        commands.Add(new AdHocCommand("order", "Order a pizza", (request, _) => ValueTask.FromResult(request.Stage switch
        {
            0 => CommandResponse.Ask(new DataForm().Add(new FormField("size", FieldType.ListSingle)
            {
                Required = true, Options = { new FormOption("small"), new FormOption("large") },
            })),
            1 => Keep(request, CommandResponse.Ask(new DataForm().Add(new FormField("topping") { Required = true }), last: true)),
            _ => CommandResponse.Done($"A {request.State["size"]} pizza with {request.Form!.ValueOf("topping")}, for {request.From.Bare}."),
        })));
        await service.ConnectAsync(cancellationToken);
        await using var alice = new Component(Server.Client("alice", "alicepw"));
        await alice.ConnectAsync(cancellationToken);

        XElement list = await alice.RequestAsync(Iq("get", new XElement(DiscoItems + "query", new XAttribute("node", Cmd.NamespaceName))), cancellationToken: cancellationToken);
        XElement item = list.Descendants(DiscoItems + "item").Single();
        Assert.That((item.Attribute("node")!.Value, item.Attribute("name")!.Value), Is.EqualTo(("order", "Order a pizza")));
        XElement info = await alice.RequestAsync(Iq("get", new XElement(DiscoInfo + "query", new XAttribute("node", "order"))), cancellationToken: cancellationToken);
        Assert.That(info.Descendants(DiscoInfo + "identity").Single().Attribute("type")!.Value, Is.EqualTo("command-node"));

        XElement first = (await alice.RequestAsync(Iq("set", new XElement(Cmd + "command", new XAttribute("node", "order"), new XAttribute("action", "execute"))),
            cancellationToken: cancellationToken)).Element(Cmd + "command")!;
        string session = first.Attribute("sessionid")!.Value;
        DataForm size = DataForm.FindIn(first)!.ToSubmission();
        size["size"]!.Value = "small";
        XElement second = (await alice.RequestAsync(Iq("set", Step(session, "next", size)), cancellationToken: cancellationToken)).Element(Cmd + "command")!;
        DataForm topping = DataForm.FindIn(second)!.ToSubmission();
        topping["topping"]!.Value = "basil";
        XElement done = (await alice.RequestAsync(Iq("set", Step(session, "complete", topping)), cancellationToken: cancellationToken)).Element(Cmd + "command")!;

        Assert.That(done.Attribute("status")!.Value, Is.EqualTo("completed"));
        Assert.That(done.Element(Cmd + "note")!.Value, Is.EqualTo("A small pizza with basil, for alice@localhost."));
    }

    [Test]
    public async Task AUserRegistersWithAComponentAndCancels(CancellationToken cancellationToken)
    {
        var registered = new ConcurrentDictionary<string, string>();
        XNamespace register = InBandRegistration.Namespace;
        await using var service = new Component(Server.Component("echo.localhost", "secret"));
        _ = new InBandRegistration(service, new RegistrationOptions
        {
            Form = new DataForm().Add(new FormField("nick") { Label = "Nickname", Required = true }),
            Register = (request, _) =>
            {
                registered[request.From.Bare.ToString()] = request.Form.ValueOf("nick")!;
                return ValueTask.FromResult(RegistrationResult.Accepted);
            },
            Find = (jid, _) => ValueTask.FromResult(registered.TryGetValue(jid.ToString(), out string? nick) ? new DataForm().Add(new FormField("nick").WithValue(nick)) : null),
            Unregister = (jid, ct) => ValueTask.FromResult(registered.TryRemove(jid.ToString(), out string? _)),
        });
        await service.ConnectAsync(cancellationToken);
        await using var alice = new Component(Server.Client("alice", "alicepw"));
        await alice.ConnectAsync(cancellationToken);

        XElement offer = await alice.RequestAsync(Iq("get", new XElement(register + "query")), cancellationToken: cancellationToken);
        DataForm form = DataForm.FindIn(offer.Element(register + "query"))!.ToSubmission();
        form["nick"]!.Value = "ali";
        XElement accepted = await alice.RequestAsync(Iq("set", new XElement(register + "query", form.ToXml())), cancellationToken: cancellationToken);
        Assert.That(accepted.Type(), Is.EqualTo("result"), accepted.ToString());
        Assert.That(registered, Does.ContainKey("alice@localhost").WithValue("ali"), "kept by the bare JID the server stamped");

        XElement again = await alice.RequestAsync(Iq("get", new XElement(register + "query")), cancellationToken: cancellationToken);
        Assert.That(again.Element(register + "query")!.Element(register + "registered"), Is.Not.Null);
        XElement removed = await alice.RequestAsync(Iq("set", new XElement(register + "query", new XElement(register + "remove"))), cancellationToken: cancellationToken);
        Assert.That(removed.Type(), Is.EqualTo("result"));
        Assert.That(registered, Is.Empty);
    }

    [Test]
    public async Task AUserSubscribesToAServedAddressAndSeesItComeAndGo(CancellationToken cancellationToken)
    {
        string bot = $"bot{Guid.NewGuid():N}"[..16] + "@echo.localhost";
        await using var service = new Component(Server.Component("echo.localhost", "secret"));
        _ = new ServedPresence(service, new PresenceOptions { PresenceOf = _ => new XElement("presence", new XElement("status", "at your service")) });
        await service.ConnectAsync(cancellationToken);
        await using var alice = new PresenceWatcher(Server.Client("alice", "alicepw"));
        await alice.ConnectAsync(cancellationToken);

        await alice.SendAsync(new XElement("presence", new XAttribute("to", bot), new XAttribute("type", "subscribe")), cancellationToken);
        await TestWait.UntilAsync(() => alice.From(bot).Any(p => p.Type() is null), () => $"the bot's presence (alice has {string.Join(", ", alice.From(bot).Select(p => p.Type() ?? "available"))})");
        Assert.That(alice.From(bot).First(p => p.Type() is null).Element("status")?.Value, Is.EqualTo("at your service"));

        await service.ShutdownAsync(cancellationToken);
        await TestWait.UntilAsync(() => alice.From(bot).Any(p => p.Type() == "unavailable"), "the bot to go away");
        await alice.SendAsync(new XElement("presence", new XAttribute("to", bot), new XAttribute("type", "unsubscribe")), cancellationToken);
    }

    /// <summary>A user that keeps every presence it receives.</summary>
    private sealed class PresenceWatcher(ConnectionOptions options) : Component(options)
    {
        private readonly ConcurrentQueue<XElement> received = new();

        public IEnumerable<XElement> From(string bare) => received.Where(p => p.From() is { } from && from.Split('/')[0] == bare);

        protected override ValueTask OnReadyAsync(CancellationToken cancellationToken) => SendAsync(new XElement("presence"), cancellationToken);

        protected override ValueTask OnPresenceAsync(XElement presence, CancellationToken cancellationToken)
        {
            received.Enqueue(presence);
            return ValueTask.CompletedTask;
        }
    }

    private static CommandResponse Keep(CommandRequest request, CommandResponse response)
    {
        request.State["size"] = request.Form!.ValueOf("size");
        return response;
    }

    private static XElement Step(string session, string action, DataForm form) =>
        new(Cmd + "command", new XAttribute("node", "order"), new XAttribute("sessionid", session), new XAttribute("action", action), form.ToXml());

    private static XElement Iq(string type, XElement payload) => new("iq", new XAttribute("type", type), new XAttribute("to", "echo.localhost"), payload);
}
