using System.Xml.Linq;
using ComponentSdk.Commands;
using ComponentSdk.Forms;
using ComponentSdk.Tests.Components;
using ComponentSdk.Xml;
using Microsoft.Extensions.Time.Testing;

namespace ComponentSdk.Tests.Commands;

/// <summary>XEP-0050 through the loopback router: discovery, a multi-stage session, its errors and its timeout.</summary>
[CancelAfter(20_000)]
public class AdHocCommandsTests : RouterFixture
{
    private static readonly XNamespace Disco = "http://jabber.org/protocol/disco#items";
    private static readonly XNamespace Info = "http://jabber.org/protocol/disco#info";
    private static readonly XNamespace Cmd = AdHocCommands.Namespace;
    private const string Alice = "alice@localhost/r";
    private const string Admin = "admin@localhost/r";

    private int ids;

    [Test]
    public async Task CommandsAreListedAndDescribedToThoseAllowedOnly(CancellationToken cancellationToken)
    {
        (Component component, AdHocCommands commands) = await ConnectedAsync(cancellationToken);
        await using Component _ = component;
        using AdHocCommands __ = commands;

        XElement list = await AskAsync(Alice, "get", new XElement(Disco + "query", new XAttribute("node", Cmd.NamespaceName)));
        Assert.That(list.Descendants(Disco + "item").Select(i => (string?)i.Attribute("node")), Is.EqualTo(new[] { "order" }));
        Assert.That(list.Descendants(Disco + "item").Single().Attribute("jid")!.Value, Is.EqualTo("echo.localhost"));
        Assert.That(list.Descendants(Disco + "item").Single().Attribute("name")!.Value, Is.EqualTo("Order a pizza"));
        XElement adminList = await AskAsync(Admin, "get", new XElement(Disco + "query", new XAttribute("node", Cmd.NamespaceName)));
        Assert.That(adminList.Descendants(Disco + "item").Select(i => (string?)i.Attribute("node")), Is.EqualTo(new[] { "order", "shutdown" }));

        XElement info = await AskAsync(Alice, "get", new XElement(Info + "query", new XAttribute("node", "order")));
        Assert.That(info.Descendants(Info + "identity").Single().Attribute("type")!.Value, Is.EqualTo("command-node"));
        Assert.That(info.Descendants(Info + "feature").Select(f => f.Attribute("var")!.Value), Is.EquivalentTo(new[] { Cmd.NamespaceName, "jabber:x:data" }));
        XElement hidden = await AskAsync(Alice, "get", new XElement(Info + "query", new XAttribute("node", "shutdown")));
        Assert.That(hidden.ErrorCondition(), Is.EqualTo("item-not-found"), "a command one may not run is not shown");

        XElement features = await AskAsync(Alice, "get", new XElement(Info + "query"));
        Assert.That(features.Descendants(Info + "feature").Select(f => f.Attribute("var")!.Value), Does.Contain(Cmd.NamespaceName));
    }

    [Test]
    public async Task AMultiStageSessionGoesNextPrevAndCompletes(CancellationToken cancellationToken)
    {
        (Component component, AdHocCommands commands) = await ConnectedAsync(cancellationToken);
        await using Component _ = component;
        using AdHocCommands __ = commands;

        XElement first = await RunAsync(Alice, "order", null, null, null);
        XElement command = first.Element(Cmd + "command")!;
        string session = command.Attribute("sessionid")!.Value;
        Assert.That(command.Attribute("status")!.Value, Is.EqualTo("executing"));
        Assert.That(command.Element(Cmd + "actions")!.Attribute("execute")!.Value, Is.EqualTo("next"));
        DataForm sizes = DataForm.FindIn(command)!;
        Assert.That(sizes["size"]!.Options.Select(o => o.Value), Is.EqualTo(new[] { "small", "large" }));

        DataForm chosen = sizes.ToSubmission();
        chosen["size"]!.Value = "large";
        XElement second = (await RunAsync(Alice, "order", session, "next", chosen)).Element(Cmd + "command")!;
        Assert.That(second.Element(Cmd + "actions")!.Attribute("execute")!.Value, Is.EqualTo("complete"), "the last stage completes");
        Assert.That(DataForm.FindIn(second)!["topping"], Is.Not.Null);

        XElement back = (await RunAsync(Alice, "order", session, "prev", null)).Element(Cmd + "command")!;
        Assert.That(DataForm.FindIn(back)!["size"], Is.Not.Null, "prev shows the first stage again");
        await RunAsync(Alice, "order", session, "next", chosen);

        DataForm topping = DataForm.FindIn(second)!.ToSubmission();
        topping["topping"]!.Value = "olives";
        XElement done = (await RunAsync(Alice, "order", session, "complete", topping)).Element(Cmd + "command")!;
        Assert.That(done.Attribute("status")!.Value, Is.EqualTo("completed"));
        Assert.That(done.Element(Cmd + "note")!.Value, Is.EqualTo("A large pizza with olives is on its way."));
        Assert.That(commands.ActiveSessions, Is.Zero);

        XElement late = await RunAsync(Alice, "order", session, "next", topping);
        Assert.That(late.Element("error")!.Element(Cmd + "session-expired"), Is.Not.Null, "the session is over");
    }

    [Test]
    public async Task ASubmissionWithErrorsAsksTheSameStageAgainWithANotePerField(CancellationToken cancellationToken)
    {
        (Component component, AdHocCommands commands) = await ConnectedAsync(cancellationToken);
        await using Component _ = component;
        using AdHocCommands __ = commands;
        string session = (await RunAsync(Alice, "order", null, null, null)).Element(Cmd + "command")!.Attribute("sessionid")!.Value;

        var wrong = new DataForm(FormType.Submit).Add(new FormField("size", FieldType.ListSingle).WithValue("huge"));
        XElement again = (await RunAsync(Alice, "order", session, "next", wrong)).Element(Cmd + "command")!;

        Assert.That(again.Attribute("status")!.Value, Is.EqualTo("executing"));
        Assert.That(again.Elements(Cmd + "note").Select(n => (n.Attribute("type")!.Value, n.Value)),
            Is.EqualTo(new[] { ("error", "Size: 'huge' is not one of the options") }));
        Assert.That(DataForm.FindIn(again)!.ValueOf("size"), Is.EqualTo("huge"), "filled in with what was sent");
    }

    [Test]
    public async Task UnknownNodesForbiddenCallersStrangersAndBadActionsGetTheirErrors(CancellationToken cancellationToken)
    {
        (Component component, AdHocCommands commands) = await ConnectedAsync(cancellationToken);
        await using Component _ = component;
        using AdHocCommands __ = commands;

        Assert.That((await RunAsync(Alice, "nothing", null, null, null)).ErrorCondition(), Is.EqualTo("item-not-found"));
        Assert.That((await RunAsync(Alice, "shutdown", null, null, null)).ErrorCondition(), Is.EqualTo("forbidden"));
        XElement malformed = await RunAsync(Alice, "order", null, "jump", null);
        Assert.That(malformed.Element("error")!.Element(Cmd + "malformed-action"), Is.Not.Null);

        string session = (await RunAsync(Alice, "order", null, null, null)).Element(Cmd + "command")!.Attribute("sessionid")!.Value;
        XElement stolen = await RunAsync("mallory@localhost/x", "order", session, "next", null);
        Assert.That(stolen.ErrorCondition(), Is.EqualTo("bad-request"));
        Assert.That(stolen.Element("error")!.Element(Cmd + "bad-sessionid"), Is.Not.Null, "a session belongs to whoever started it");
        XElement noPrev = await RunAsync(Alice, "order", session, "prev", null);
        Assert.That(noPrev.Element("error")!.Element(Cmd + "bad-action"), Is.Not.Null, "nothing before the first stage");

        XElement canceled = (await RunAsync(Alice, "order", session, "cancel", null)).Element(Cmd + "command")!;
        Assert.That(canceled.Attribute("status")!.Value, Is.EqualTo("canceled"));
        Assert.That(commands.ActiveSessions, Is.Zero);
    }

    [Test]
    public async Task AnAbandonedSessionEndsAfterTheTimeout(CancellationToken cancellationToken)
    {
        var clock = new FakeTimeProvider();
        (Component component, AdHocCommands commands) = await ConnectedAsync(cancellationToken, clock);
        await using Component _ = component;
        using AdHocCommands __ = commands;
        string session = (await RunAsync(Alice, "order", null, null, null)).Element(Cmd + "command")!.Attribute("sessionid")!.Value;
        Assert.That(commands.ActiveSessions, Is.EqualTo(1));

        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.That(commands.ActiveSessions, Is.EqualTo(1), "not yet");
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.That(commands.ActiveSessions, Is.Zero);
        XElement late = await RunAsync(Alice, "order", session, "next", null);
        Assert.That(late.ErrorCondition(), Is.EqualTo("not-allowed"));
        Assert.That(late.Element("error")!.Element(Cmd + "session-expired"), Is.Not.Null);
    }

    private async Task<(Component, AdHocCommands)> ConnectedAsync(CancellationToken cancellationToken, TimeProvider? clock = null)
    {
        var component = new Component(Router.OptionsFor("echo.localhost"));
        var commands = new AdHocCommands(component, TimeSpan.FromMinutes(5), clock);
        commands.Add(Pizza());
        commands.Add(new AdHocCommand("shutdown", "Shut down", (_, _) => ValueTask.FromResult(CommandResponse.Done("Bye.")))
        {
            IsAllowed = jid => jid.Bare.ToString() == "admin@localhost",
        });
        await component.ConnectAsync(cancellationToken);
        return (component, commands);
    }

    /// <summary>Two stages: a size, then a topping; the second completes.</summary>
    private static AdHocCommand Pizza() => new("order", "Order a pizza", (request, _) => ValueTask.FromResult(request.Stage switch
    {
        0 => CommandResponse.Ask(new DataForm { Title = "Size" }.Add(new FormField("size", FieldType.ListSingle)
        {
            Label = "Size", Required = true, Options = { new FormOption("small"), new FormOption("large") },
        })),
        1 => Remember(request, "size", CommandResponse.Ask(new DataForm { Title = "Topping" }.Add(new FormField("topping") { Required = true }), last: true)),
        _ => CommandResponse.Done($"A {request.State["size"]} pizza with {request.Form!.ValueOf("topping")} is on its way."),
    }));

    private static CommandResponse Remember(CommandRequest request, string var, CommandResponse response)
    {
        request.State[var] = request.Form!.ValueOf(var);
        return response;
    }

    private Task<XElement> RunAsync(string from, string node, string? session, string? action, DataForm? form) =>
        AskAsync(from, "set", new XElement(Cmd + "command", new XAttribute("node", node),
            session is null ? null : new XAttribute("sessionid", session), action is null ? null : new XAttribute("action", action), form?.ToXml()));

    private async Task<XElement> AskAsync(string from, string type, XElement payload)
    {
        string id = $"c{Interlocked.Increment(ref ids)}";
        await Router.SendAsync(new XElement("iq", new XAttribute("type", type), new XAttribute("id", id), new XAttribute("to", "echo.localhost"),
            new XAttribute("from", from), payload));
        XElement reply = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.That(reply.Id(), Is.EqualTo(id));
        return reply;
    }
}
