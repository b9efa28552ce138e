using System.Collections.Concurrent;
using System.Xml.Linq;
using ComponentSdk.Forms;
using ComponentSdk.Registration;
using ComponentSdk.Tests.Components;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Registration;

/// <summary>XEP-0077 through the loopback router: the form, a submission checked and stored, refusals, legacy fields, cancelling.</summary>
[CancelAfter(20_000)]
public class InBandRegistrationTests : RouterFixture
{
    private static readonly XNamespace Register = InBandRegistration.Namespace;
    private const string Alice = "alice@localhost/r";
    private readonly ConcurrentDictionary<string, string> users = new();
    private int ids;

    [Test]
    public async Task TheFormIsOfferedAndAValidSubmissionIsStoredByBareJid(CancellationToken cancellationToken)
    {
        await using Component component = await ConnectedAsync(cancellationToken);

        XElement offer = await AskAsync(Alice, "get", new XElement(Register + "query"));
        XElement query = offer.Element(Register + "query")!;
        Assert.That(query.Element(Register + "registered"), Is.Null);
        Assert.That(query.Element(Register + "instructions")!.Value, Is.EqualTo("Choose a nickname."));
        Assert.That(query.Element(Register + "nick"), Is.Not.Null, "the legacy field for older clients");
        DataForm form = DataForm.FindIn(query)!;
        Assert.That(form["nick"]!.Required, Is.True);

        DataForm submission = form.ToSubmission();
        submission["nick"]!.Value = "ali";
        XElement accepted = await AskAsync(Alice, "set", new XElement(Register + "query", submission.ToXml()));
        Assert.That(accepted.Type(), Is.EqualTo("result"));
        Assert.That(users, Does.ContainKey("alice@localhost").WithValue("ali"));

        XElement again = (await AskAsync(Alice, "get", new XElement(Register + "query"))).Element(Register + "query")!;
        Assert.That(again.Element(Register + "registered"), Is.Not.Null);
        Assert.That(DataForm.FindIn(again)!.ValueOf("nick"), Is.EqualTo("ali"), "the registration as it is");

        XElement info = await AskAsync(Alice, "get", new XElement(XName.Get("query", "http://jabber.org/protocol/disco#info")));
        Assert.That(info.Descendants().Where(e => e.Name.LocalName == "feature").Select(f => f.Attribute("var")!.Value), Does.Contain("jabber:iq:register"));
    }

    [Test]
    public async Task AnIncompleteSubmissionIsNotAcceptableAndATakenNickIsAConflict(CancellationToken cancellationToken)
    {
        await using Component component = await ConnectedAsync(cancellationToken);
        users["bob@localhost"] = "taken";

        XElement empty = await AskAsync(Alice, "set", new XElement(Register + "query", new DataForm(FormType.Submit).ToXml()));
        Assert.That(empty.ErrorCondition(), Is.EqualTo("not-acceptable"));
        Assert.That(empty.Descendants().Single(e => e.Name.LocalName == "text").Value, Is.EqualTo("Nickname is required"));

        XElement conflict = await AskAsync(Alice, "set", new XElement(Register + "query", new XElement(Register + "nick", "taken")));
        Assert.That(conflict.ErrorCondition(), Is.EqualTo("conflict"));
        Assert.That(conflict.Element("error")!.Attribute("type")!.Value, Is.EqualTo("cancel"));
        Assert.That(users, Does.Not.ContainKey("alice@localhost"));
    }

    [Test]
    public async Task LegacyFieldsRegisterAndRemoveCancels(CancellationToken cancellationToken)
    {
        await using Component component = await ConnectedAsync(cancellationToken);

        XElement legacy = await AskAsync(Alice, "set", new XElement(Register + "query", new XElement(Register + "nick", "al")));
        Assert.That(legacy.Type(), Is.EqualTo("result"));
        Assert.That(users["alice@localhost"], Is.EqualTo("al"));

        XElement removed = await AskAsync(Alice, "set", new XElement(Register + "query", new XElement(Register + "remove")));
        Assert.That(removed.Type(), Is.EqualTo("result"));
        Assert.That(users, Is.Empty);
        XElement twice = await AskAsync(Alice, "set", new XElement(Register + "query", new XElement(Register + "remove")));
        Assert.That(twice.ErrorCondition(), Is.EqualTo("item-not-found"));
    }

    private async Task<Component> ConnectedAsync(CancellationToken cancellationToken)
    {
        users.Clear(); // one fixture instance runs every test
        var component = new Component(Router.OptionsFor("echo.localhost"));
        _ = new InBandRegistration(component, new RegistrationOptions
        {
            Form = new DataForm().Add(new FormField("FORM_TYPE", FieldType.Hidden).WithValue("jabber:iq:register"))
                .Add(new FormField("nick") { Label = "Nickname", Required = true }),
            Instructions = "Choose a nickname.",
            Register = (request, _) =>
            {
                string nick = request.Form.ValueOf("nick")!;
                if (users.Any(u => u.Value == nick && u.Key != request.From.Bare.ToString()))
                    return ValueTask.FromResult(RegistrationResult.Refuse("conflict", $"'{nick}' is taken."));
                users[request.From.Bare.ToString()] = nick;
                return ValueTask.FromResult(RegistrationResult.Accepted);
            },
            Find = (jid, _) => ValueTask.FromResult(users.TryGetValue(jid.ToString(), out string? nick)
                ? new DataForm().Add(new FormField("nick") { Label = "Nickname", Required = true }.WithValue(nick))
                : null),
            Unregister = (jid, ct) => ValueTask.FromResult(users.TryRemove(jid.ToString(), out string? _)),
        });
        await component.ConnectAsync(cancellationToken);
        return component;
    }

    private async Task<XElement> AskAsync(string from, string type, XElement payload)
    {
        string id = $"r{Interlocked.Increment(ref ids)}";
        await Router.SendAsync(new XElement("iq", new XAttribute("type", type), new XAttribute("id", id), new XAttribute("to", "echo.localhost"),
            new XAttribute("from", from), payload));
        XElement reply = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.That(reply.Id(), Is.EqualTo(id));
        return reply;
    }
}
