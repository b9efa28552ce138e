using System.Globalization;
using System.Xml.Linq;
using ComponentSdk;
using ComponentSdk.Commands;
using ComponentSdk.Forms;
using ComponentSdk.Privileges;
using ComponentSdk.Registration;
using ComponentSdk.Xml;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WebhookGateway;

/// <summary>
/// The XMPP side of the gateway. Users register from their own client (XEP-0077) and receive their personal webhook
/// address and token in a message; ad-hoc commands (XEP-0050) show the address, make a new token, or unregister,
/// and let administrators list registrations and broadcast a notice. With the roster privilege (XEP-0356) the gateway
/// adds itself to a registrant's roster. Accepted webhook calls become chat messages from <c>hooks@its-domain</c>.
/// </summary>
public sealed class GatewayComponent : Component
{
    private readonly string sender;
    private readonly GatewayOptions gateway;
    private readonly RegistrationStore store;
    private readonly PrivilegedEntity privileged;
    private readonly ILogger<GatewayComponent> logger;
    private int rosterWarned;

    /// <summary>Creates the gateway over <paramref name="store"/>.</summary>
    public GatewayComponent(ConnectionOptions options, IOptions<GatewayOptions> gateway, RegistrationStore store, ILogger<GatewayComponent> logger)
        : base(options, logger)
    {
        this.gateway = gateway.Value;
        this.store = store;
        this.logger = logger;
        sender = $"{this.gateway.Sender}@{options.Hostname}";
        privileged = new PrivilegedEntity(this);
        _ = new InBandRegistration(this, new RegistrationOptions
        {
            Form = new DataForm { Title = "Webhooks" }
                .Add(new FormField("FORM_TYPE", FieldType.Hidden).WithValue("jabber:iq:register"))
                .Add(new FormField("accept", FieldType.Boolean) { Label = "Send me a personal webhook address", Required = true }.WithValue("1")),
            Instructions = "Register to get a personal webhook address: whatever is posted to it comes to you as a chat message.",
            Register = RegisterAsync,
            Find = async (jid, ct) => await store.FindAsync(jid, ct) is { } found
                ? new DataForm().Add(new FormField("accept", FieldType.Boolean) { Label = "Registered since", Description = found.TokenCreated.ToString("u", CultureInfo.InvariantCulture) }.WithValue("1"))
                : null,
            Unregister = async (jid, ct) => await store.RemoveAsync(jid, ct),
        });
        var commands = new AdHocCommands(this);
        commands.Add(new AdHocCommand("show", "Show my webhook address", ShowAsync));
        commands.Add(new AdHocCommand("rotate", "Make a new token", RotateAsync));
        commands.Add(new AdHocCommand("unregister", "Unregister", UnregisterAsync));
        commands.Add(new AdHocCommand("list", "List registrations", ListAsync) { IsAllowed = IsAdministrator });
        commands.Add(new AdHocCommand("broadcast", "Send a notice to everyone", BroadcastAsync) { IsAllowed = IsAdministrator });
    }

    /// <summary>The address a registration's webhook is posted to.</summary>
    public string HookUrl(Registration registration) => $"{gateway.PublicUrl.TrimEnd('/')}/hooks/{registration.HookId}";

    /// <summary>Sends <paramref name="body"/> to <paramref name="to"/>; returns the message id.</summary>
    public async Task<string> ForwardAsync(Jid to, string body, string? subject, CancellationToken cancellationToken)
    {
        string id = "hook-" + Guid.NewGuid().ToString("N")[..12];
        var message = new XElement("message", new XAttribute("to", to.ToString()), new XAttribute("from", sender),
            new XAttribute("type", "chat"), new XAttribute("id", id),
            subject is null ? null : new XElement("subject", subject), new XElement("body", body));
        await SendAsync(message, cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <inheritdoc/>
    protected override ValueTask OnMessageAsync(XElement message, CancellationToken cancellationToken)
    {
        if (message.Element("body") is null || message.Type() is "error" or "groupchat" || message.From() is null) return ValueTask.CompletedTask;
        return SendAsync(new XElement("message", new XAttribute("to", message.From()!), new XAttribute("from", message.To() ?? sender),
            new XAttribute("type", message.Type() ?? "chat"),
            new XElement("body", "This address only sends notifications; replies are not read. Run the commands of the gateway to manage your webhook.")),
            cancellationToken);
    }

    private async ValueTask<RegistrationResult> RegisterAsync(RegistrationRequest request, CancellationToken cancellationToken)
    {
        if (request.Form["accept"]?.IsTrue != true) return RegistrationResult.Refuse("not-acceptable", "Registering means accepting a personal webhook address.");
        if (request.IsUpdate) return RegistrationResult.Accepted; // already registered: the token stays (the 'rotate' command makes a new one)
        (Registration registration, string token) = await store.RegisterAsync(request.From.Bare, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("{Jid} registered (webhook {HookId})", registration.Jid, registration.HookId);
        await SendTokenAsync(registration, token, "Welcome", cancellationToken).ConfigureAwait(false);
        await AddToRosterAsync(registration.Jid, cancellationToken).ConfigureAwait(false);
        return RegistrationResult.Accepted;
    }

    /// <summary>The address and token, in a message to the registrant only; the token is kept out of traces.</summary>
    private ValueTask SendTokenAsync(Registration registration, string token, string subject, CancellationToken cancellationToken) =>
        SendAsync(new XElement("message", new XAttribute("to", registration.Jid.ToString()), new XAttribute("from", sender), new XAttribute("type", "chat"),
            new XElement("subject", subject),
            new XElement("body", $"Your webhook: POST {HookUrl(registration)} with the header 'Authorization: Bearer {token}' and the JSON {{\"body\": \"...\"}}. " +
                "Keep the token secret: it is shown only now.").MarkSecret(),
            new XElement(XName.Get("webhook", "urn:componentsdk:webhook"), new XAttribute("url", HookUrl(registration)), new XElement(XName.Get("token", "urn:componentsdk:webhook"), token).MarkSecret())),
            cancellationToken);

    /// <summary>With the roster privilege, the gateway's sender appears in the registrant's roster; without it, nothing (said once).</summary>
    private async Task AddToRosterAsync(Jid user, CancellationToken cancellationToken)
    {
        if (!privileged.Privileges.TryGetValue(user.Domain, out GrantedPrivileges? granted) || !granted.CanChangeRosters) return;
        try
        {
            await privileged.SetRosterItemAsync(user, new RosterItem(Jid.Parse(sender), "Webhooks", Groups: ["Services"]), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is XmppException)
        {
            if (Interlocked.Exchange(ref rosterWarned, 1) == 0)
                logger.LogWarning("The server granted the roster privilege but refused to change {User}'s roster ({Reason}); registrants add {Sender} themselves", user, ex.Message, sender);
        }
    }

    private bool IsAdministrator(Jid jid) => gateway.Administrators.Any(a => string.Equals(a, jid.Bare.ToString(), StringComparison.OrdinalIgnoreCase));

    private async ValueTask<CommandResponse> ShowAsync(CommandRequest request, CancellationToken cancellationToken) =>
        await store.FindAsync(request.From, cancellationToken).ConfigureAwait(false) is { } found
            ? CommandResponse.Done($"Your webhook: {HookUrl(found)} (token made {found.TokenCreated:u}; the token itself is not kept: run 'Make a new token' if it is lost).")
            : CommandResponse.Fail("You are not registered: register with the gateway first.");

    private async ValueTask<CommandResponse> RotateAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(request.From, cancellationToken).ConfigureAwait(false) is null)
            return CommandResponse.Fail("You are not registered: register with the gateway first.");
        (Registration registration, string token) = await store.RegisterAsync(request.From.Bare, cancellationToken).ConfigureAwait(false);
        await SendTokenAsync(registration, token, "New token", cancellationToken).ConfigureAwait(false);
        return CommandResponse.Done("A new token was sent to you in a message; the old one no longer works.");
    }

    private async ValueTask<CommandResponse> UnregisterAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        if (request.Stage == 0)
            return CommandResponse.Ask(new DataForm { Title = "Unregister" }.Add(new FormField("confirm", FieldType.Boolean) { Label = "Remove my webhook", Required = true }), last: true);
        if (request.Form!["confirm"]?.IsTrue != true) return CommandResponse.Done("Nothing changed.");
        return await store.RemoveAsync(request.From, cancellationToken).ConfigureAwait(false)
            ? CommandResponse.Done("Unregistered: your webhook no longer works.")
            : CommandResponse.Fail("You were not registered.");
    }

    private async ValueTask<CommandResponse> ListAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        var table = new DataForm(FormType.Result) { Title = "Registrations" };
        table.Reported.Add(new FormField("jid", FieldType.JidSingle) { Label = "User" });
        table.Reported.Add(new FormField("since") { Label = "Token made" });
        foreach (Registration registration in await store.ListAsync(cancellationToken).ConfigureAwait(false))
            table.Items.Add([new FormField("jid", FieldType.JidSingle).WithValue(registration.Jid.ToString()),
                new FormField("since").WithValue(registration.TokenCreated.ToString("u", CultureInfo.InvariantCulture))]);
        return CommandResponse.Done($"{table.Items.Count} registrations.", table);
    }

    private async ValueTask<CommandResponse> BroadcastAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        if (request.Stage == 0)
            return CommandResponse.Ask(new DataForm { Title = "Notice" }.Add(new FormField("text", FieldType.TextMulti) { Label = "Text", Required = true }), last: true);
        string text = string.Join("\n", request.Form!.ValuesOf("text"));
        IReadOnlyList<Registration> all = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        foreach (Registration registration in all) await ForwardAsync(registration.Jid, text, "Notice", cancellationToken).ConfigureAwait(false);
        return CommandResponse.Done($"Sent to {all.Count} registrations.");
    }
}
