using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Xml.Linq;
using ComponentSdk.Forms;
using ComponentSdk.Registration;
using ComponentSdk.Xml;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using WebhookGateway;

namespace ComponentSdk.IntegrationTests;

/// <summary>
/// components/WebhookGateway as a multi-user service on real servers: a user registers from their own client, gets
/// their webhook and token, posts to it and receives the message; the gateway restarts and the registration is still
/// there. Where the server lets it change rosters (Prosody), the gateway is in the registrant's roster.
/// </summary>
[TestFixture("prosody")]
[TestFixture("ejabberd")]
[NonParallelizable]
[CancelAfter(60_000)]
public class WebhookGatewayTests(string serverName)
{
    private static readonly XNamespace Register = InBandRegistration.Namespace;
    private static readonly XNamespace Hook = "urn:componentsdk:webhook";

    private XmppServer Server => Servers.Get(serverName);

    [Test]
    public async Task AUserRegistersFromTheirClientPostsToTheirWebhookAndKeepsItAcrossARestart(CancellationToken cancellationToken)
    {
        string database = Path.Combine(Path.GetTempPath(), $"gateway-{Guid.NewGuid():N}.db");
        WebApplication gateway = await StartGatewayAsync(database);
        try
        {
            await using var alice = new Mailbox(Server.Client("alice", "alicepw"));
            await alice.ConnectAsync(cancellationToken);
            await RemoveOldRegistrationAsync(alice, cancellationToken);

            XElement offer = await alice.RequestAsync(Iq("get", new XElement(Register + "query")), cancellationToken: cancellationToken);
            DataForm form = DataForm.FindIn(offer.Element(Register + "query"))!.ToSubmission();
            XElement accepted = await alice.RequestAsync(Iq("set", new XElement(Register + "query", form.ToXml())), cancellationToken: cancellationToken);
            Assert.That(accepted.Type(), Is.EqualTo("result"), accepted.ToString());
            await TestWait.UntilAsync(() => alice.Messages.Any(m => m.Element(Hook + "webhook") is not null), "the welcome message with the token");
            XElement hook = alice.Messages.First(m => m.Element(Hook + "webhook") is not null).Element(Hook + "webhook")!;
            string url = hook.Attribute("url")!.Value, token = hook.Element(Hook + "token")!.Value;

            await PostAsync(gateway, url, token, "first call");
            await TestWait.UntilAsync(() => alice.Bodies.Contains("first call"), "the first call to arrive");

            await gateway.StopAsync(cancellationToken);
            await gateway.DisposeAsync();
            gateway = await StartGatewayAsync(database);
            await PostAsync(gateway, url, token, "after the restart");
            await TestWait.UntilAsync(() => alice.Bodies.Contains("after the restart"), "the call after the restart to arrive");

            XElement roster = await alice.RequestAsync(new XElement("iq", new XAttribute("type", "get"), new XElement(XName.Get("query", "jabber:iq:roster"))), cancellationToken: cancellationToken);
            bool listed = roster.Descendants().Any(e => e.Name.LocalName == "item" && (string?)e.Attribute("jid") == "hooks@webhook.localhost");
            // ejabberd 23.01 grants the roster privilege but cannot change a roster for a component (processone/ejabberd#3942).
            Assert.That(listed, Is.EqualTo(serverName == "prosody"), "the gateway adds itself to the registrant's roster where the server can");
            await RemoveOldRegistrationAsync(alice, cancellationToken);
        }
        finally
        {
            await gateway.StopAsync(CancellationToken.None);
            await gateway.DisposeAsync();
            File.Delete(database);
        }
    }

    private async Task<WebApplication> StartGatewayAsync(string database)
    {
        ConnectionOptions options = Server.Component("webhook.localhost", "webhooksecret");
        WebApplication app = GatewayApp.Build([
            "--Component:Host=127.0.0.1", $"--Component:Port={options.Port}", "--Component:Hostname=webhook.localhost",
            "--Component:Password=webhooksecret", $"--Gateway:Database={database}", "--Urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(Address(app)) };
        await TestWait.UntilAsync(() => http.GetAsync("/health").Result.StatusCode == HttpStatusCode.OK, "the gateway to connect");
        return app;
    }

    private static string Address(WebApplication app) => app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

    private static async Task PostAsync(WebApplication app, string url, string token, string body)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Address(app)) };
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url).AbsolutePath) { Content = JsonContent.Create(new { body }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage response = await http.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
    }

    /// <summary>Cancels a registration and takes the gateway out of alice's roster, so that each run starts the same.</summary>
    private static async Task RemoveOldRegistrationAsync(Component alice, CancellationToken cancellationToken)
    {
        await alice.RequestAsync(Iq("set", new XElement(Register + "query", new XElement(Register + "remove"))), cancellationToken: cancellationToken);
        XNamespace roster = "jabber:iq:roster";
        await alice.RequestAsync(new XElement("iq", new XAttribute("type", "set"),
            new XElement(roster + "query", new XElement(roster + "item", new XAttribute("jid", "hooks@webhook.localhost"), new XAttribute("subscription", "remove")))),
            cancellationToken: cancellationToken);
    }

    private static XElement Iq(string type, XElement payload) => new("iq", new XAttribute("type", type), new XAttribute("to", "webhook.localhost"), payload);

    /// <summary>A user that keeps every message it receives.</summary>
    private sealed class Mailbox(ConnectionOptions options) : Component(options)
    {
        public ConcurrentQueue<XElement> Messages { get; } = new();

        public IEnumerable<string> Bodies => Messages.Select(m => m.Element("body")?.Value ?? "");

        protected override ValueTask OnReadyAsync(CancellationToken cancellationToken) => SendAsync(new XElement("presence"), cancellationToken);

        protected override ValueTask OnMessageAsync(XElement message, CancellationToken cancellationToken)
        {
            Messages.Enqueue(message);
            return ValueTask.CompletedTask;
        }
    }
}
