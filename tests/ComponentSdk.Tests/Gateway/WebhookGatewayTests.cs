using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Xml.Linq;
using ComponentSdk.Commands;
using ComponentSdk.Forms;
using ComponentSdk.Registration;
using ComponentSdk.Testing;
using ComponentSdk.Xml;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using WebhookGateway;

namespace ComponentSdk.Tests.Gateway;

/// <summary>
/// components/WebhookGateway in process: real HTTP on loopback in, XEP-0114 to the loopback router out, registrations
/// in a SQLite file. The router plays the users.
/// </summary>
[NonParallelizable]
[CancelAfter(60_000)]
public class WebhookGatewayTests
{
    private static readonly XNamespace Register = InBandRegistration.Namespace;
    private static readonly XNamespace Hook = "urn:componentsdk:webhook";
    private LoopbackRouter router = null!;
    private WebApplication app = null!;
    private HttpClient http = null!;
    private string database = null!;
    private int ids;

    [SetUp]
    public async Task Start()
    {
        router = await LoopbackRouter.StartAsync();
        router.AddComponent("webhook.localhost", "secret");
        database = Path.Combine(Path.GetTempPath(), $"gateway-{Guid.NewGuid():N}.db");
        await StartGatewayAsync();
    }

    [TearDown]
    public async Task Stop()
    {
        await StopGatewayAsync();
        await router.DisposeAsync();
        File.Delete(database);
    }

    [Test]
    public async Task ARegistrantGetsAPersonalWebhookThatSendsToThemOnly(CancellationToken cancellationToken)
    {
        (string url, string token) = await RegisterAsync("alice@localhost/phone");

        using HttpResponseMessage response = await PostAsync(url, new { body = "Build 42 passed & deployed", subject = "CI" }, token);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync(cancellationToken));
        string id = (await response.Content.ReadFromJsonAsync<Accepted>(cancellationToken))!.Id;
        XElement message = await NextAsync();
        Assert.That((message.To(), message.From(), message.Type(), message.Id()), Is.EqualTo(("alice@localhost", "hooks@webhook.localhost", "chat", id)));
        Assert.That(((string?)message.Element("body"), (string?)message.Element("subject")), Is.EqualTo(("Build 42 passed & deployed", "CI")));

        (string bobUrl, string bobToken) = await RegisterAsync("bob@localhost/laptop");
        Assert.That(bobUrl, Is.Not.EqualTo(url));
        using HttpResponseMessage crossed = await PostAsync(url, new { body = "x" }, bobToken);
        Assert.That(crossed.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "bob's token does not open alice's webhook");

        using HttpResponseMessage health = await http.GetAsync("/health", cancellationToken);
        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task RegistrationsSurviveARestartAndTokensAreKeptHashed(CancellationToken cancellationToken)
    {
        (string url, string token) = await RegisterAsync("alice@localhost/phone");
        await StopGatewayAsync();
        string stored = Convert.ToHexString(await File.ReadAllBytesAsync(database, cancellationToken));
        Assert.That(stored, Does.Not.Contain(Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(token))), "the token is not in the file");
        await StartGatewayAsync();

        using HttpResponseMessage response = await PostAsync(url, new { body = "after the restart" }, token);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That((string?)(await NextAsync()).Element("body"), Is.EqualTo("after the restart"));
    }

    [Test]
    public async Task RotatingTheTokenRetiresTheOldOneAndUnregisteringClosesTheWebhook(CancellationToken cancellationToken)
    {
        (string url, string token) = await RegisterAsync("alice@localhost/phone");

        XElement rotated = await CommandAsync("alice@localhost/phone", "rotate", null, null);
        Assert.That(rotated.Element(AdHocCommands.Namespace + "command")!.Attribute("status")!.Value, Is.EqualTo("completed"));
        string newToken = (await NextAsync()).Element(Hook + "webhook")!.Element(Hook + "token")!.Value;
        using (HttpResponseMessage old = await PostAsync(url, new { body = "x" }, token)) Assert.That(old.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        using (HttpResponseMessage fresh = await PostAsync(url, new { body = "x" }, newToken)) Assert.That(fresh.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await NextAsync();

        XElement shown = await CommandAsync("alice@localhost/phone", "show", null, null);
        Assert.That(shown.Descendants(AdHocCommands.Namespace + "note").Single().Value, Does.Contain(url));

        XElement ask = (await CommandAsync("alice@localhost/phone", "unregister", null, null)).Element(AdHocCommands.Namespace + "command")!;
        DataForm confirm = DataForm.FindIn(ask)!.ToSubmission();
        confirm["confirm"]!.Value = "1";
        await CommandAsync("alice@localhost/phone", "unregister", ask.Attribute("sessionid")!.Value, confirm);
        using HttpResponseMessage closed = await PostAsync(url, new { body = "x" }, newToken);
        Assert.That(closed.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task AdministratorsListRegistrationsAndBroadcastOthersMayNot(CancellationToken cancellationToken)
    {
        await RegisterAsync("alice@localhost/phone");
        await RegisterAsync("bob@localhost/laptop");

        XElement forbidden = await CommandAsync("alice@localhost/phone", "list", null, null);
        Assert.That(forbidden.ErrorCondition(), Is.EqualTo("forbidden"));

        XElement list = (await CommandAsync("admin@localhost/desk", "list", null, null)).Element(AdHocCommands.Namespace + "command")!;
        Assert.That(DataForm.FindIn(list)!.Items.Select(row => row[0].Value), Is.EqualTo(new[] { "alice@localhost", "bob@localhost" }));

        XElement ask = (await CommandAsync("admin@localhost/desk", "broadcast", null, null)).Element(AdHocCommands.Namespace + "command")!;
        DataForm notice = DataForm.FindIn(ask)!.ToSubmission();
        notice["text"]!.Values.Add("Maintenance at noon");
        await CommandAsync("admin@localhost/desk", "broadcast", ask.Attribute("sessionid")!.Value, notice);
        XElement[] sent = [await NextAsync(), await NextAsync()];
        Assert.That(sent.Select(m => m.To()), Is.EquivalentTo(new[] { "alice@localhost", "bob@localhost" }));
        Assert.That(sent.Select(m => (string?)m.Element("body")), Has.All.EqualTo("Maintenance at noon"));
    }

    [TestCase(null)]
    [TestCase("wrong-token-of-the-same-size-wrong-token-of-the-s")]
    public async Task WithoutTheRightTokenNothingIsSent(string? token)
    {
        (string url, _) = await RegisterAsync("alice@localhost/phone");
        using HttpResponseMessage response = await PostAsync(url, new { body = "x" }, token);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        using HttpResponseMessage unknown = await PostAsync("/hooks/no-such-hook", new { body = "x" }, token ?? "x");
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "an unknown webhook looks like a wrong token");
        Assert.That(pending, Is.Empty);
        await Assert.ThrowsAsync<TimeoutException>(() => router.ReceiveAsync(TimeSpan.FromMilliseconds(300)));
    }

    [TestCase("", "body")]
    [TestCase("bell \u0007", "body")]
    public async Task BadRequestsAreProblemsNamingTheField(string body, string field)
    {
        (string url, string token) = await RegisterAsync("alice@localhost/phone");
        using HttpResponseMessage response = await PostAsync(url, new { body }, token);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain($"\"{field}\""));
        Assert.That(pending, Is.Empty);
        await Assert.ThrowsAsync<TimeoutException>(() => router.ReceiveAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Test]
    public async Task TheSubjectAndTheBodyAreBounded(CancellationToken cancellationToken)
    {
        (string url, string token) = await RegisterAsync("alice@localhost/phone");
        using HttpResponseMessage subject = await PostAsync(url, new { body = "x", subject = new string('s', GatewayApp.MaxSubjectLength + 1) }, token);
        Assert.That(subject.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await subject.Content.ReadAsStringAsync(cancellationToken), Does.Contain("\"subject\""));
        using HttpResponseMessage body = await PostAsync(url, new { body = new string('b', GatewayApp.MaxBodyLength + 1) }, token);
        Assert.That(body.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        using HttpResponseMessage huge = await PostAsync(url, new { body = "x", padding = new string('p', GatewayApp.MaxRequestBytes) }, token);
        Assert.That(huge.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(pending, Is.Empty);
        await Assert.ThrowsAsync<TimeoutException>(() => router.ReceiveAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Test]
    public async Task TheTokenIsCheckedBeforeTheBodyIsRead(CancellationToken cancellationToken)
    {
        (string url, string token) = await RegisterAsync("alice@localhost/phone");
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json") };
        using HttpResponseMessage anonymous = await http.SendAsync(request, cancellationToken);
        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "an unauthenticated caller learns nothing about the body");

        var authorized = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json") };
        authorized.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage malformed = await http.SendAsync(authorized, cancellationToken);
        Assert.That(malformed.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task AReplyIsAnsweredWithANote(CancellationToken cancellationToken)
    {
        await router.SendAsync(new XElement("message", new XAttribute("from", "alice@localhost/phone"), new XAttribute("to", "hooks@webhook.localhost"),
            new XAttribute("type", "chat"), new XElement("body", "thanks!")));
        XElement note = await NextAsync();
        Assert.That(note.To(), Is.EqualTo("alice@localhost/phone"));
        Assert.That((string?)note.Element("body"), Does.Contain("replies are not read"));
    }

    /// <summary>Registers <paramref name="user"/> as a client would (XEP-0077 form), and returns what the welcome message says.</summary>
    private async Task<(string Url, string Token)> RegisterAsync(string user)
    {
        XElement form = (await AskAsync(user, "get", new XElement(Register + "query"))).Element(Register + "query")!;
        DataForm submission = DataForm.FindIn(form)!.ToSubmission();
        XElement result = await AskAsync(user, "set", new XElement(Register + "query", submission.ToXml()));
        Assert.That(result.Type(), Is.EqualTo("result"), result.ToString());
        XElement welcome = await NextAsync();
        Assert.That(welcome.To(), Is.EqualTo(user.Split('/')[0]));
        XElement hook = welcome.Element(Hook + "webhook")!;
        return (new Uri(hook.Attribute("url")!.Value).AbsolutePath, hook.Element(Hook + "token")!.Value);
    }

    private Task<XElement> CommandAsync(string from, string node, string? session, DataForm? form) =>
        AskAsync(from, "set", new XElement(AdHocCommands.Namespace + "command", new XAttribute("node", node), new XAttribute("action", session is null ? "execute" : "complete"),
            session is null ? null : new XAttribute("sessionid", session), form?.ToXml()));

    private async Task<XElement> AskAsync(string from, string type, XElement payload)
    {
        string id = $"g{Interlocked.Increment(ref ids)}";
        await router.SendAsync(new XElement("iq", new XAttribute("type", type), new XAttribute("id", id), new XAttribute("to", "webhook.localhost"),
            new XAttribute("from", from), payload));
        while (true)
        {
            // What arrives for users meanwhile (the welcome message comes before the registration's result) is kept for NextAsync.
            XElement reply = await router.ReceiveAsync(TimeSpan.FromSeconds(5));
            if (reply.Id() == id && reply.Name.LocalName == "iq") return reply;
            pending.Enqueue(reply);
        }
    }

    private readonly Queue<XElement> pending = new();

    /// <summary>The next stanza sent to a user: one that arrived while waiting for a reply first.</summary>
    private Task<XElement> NextAsync() => pending.TryDequeue(out XElement? early) ? Task.FromResult(early) : router.ReceiveAsync(TimeSpan.FromSeconds(5));

    private Task<HttpResponseMessage> PostAsync(string path, object body, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http.SendAsync(request);
    }

    private async Task StartGatewayAsync()
    {
        app = GatewayApp.Build([
            "--Component:Host=127.0.0.1", $"--Component:Port={router.Port}", "--Component:Hostname=webhook.localhost",
            "--Component:Password=secret", $"--Gateway:Database={database}", "--Gateway:Administrators:0=admin@localhost",
            "--Urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        http = new HttpClient { BaseAddress = new Uri(address) };
        await router.WaitForComponentAsync("webhook.localhost", TimeSpan.FromSeconds(10));
    }

    private async Task StopGatewayAsync()
    {
        http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private sealed record Accepted(string Id, bool Queued);
}
