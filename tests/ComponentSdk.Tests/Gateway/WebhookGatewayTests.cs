using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Xml.Linq;
using ComponentSdk.Testing;
using ComponentSdk.Xml;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using WebhookGateway;

namespace ComponentSdk.Tests.Gateway;

/// <summary>components/WebhookGateway in process: real HTTP on loopback in, XEP-0114 to the loopback router out.</summary>
[NonParallelizable]
[CancelAfter(60_000)]
public class WebhookGatewayTests
{
    private const string Token = "a-long-enough-test-token";
    private LoopbackRouter router = null!;
    private WebApplication app = null!;
    private HttpClient http = null!;

    [SetUp]
    public async Task Start()
    {
        router = await LoopbackRouter.StartAsync();
        router.AddComponent("webhook.localhost", "secret");
        app = GatewayApp.Build([
            "--Component:Host=127.0.0.1", $"--Component:Port={router.Port}", "--Component:Hostname=webhook.localhost",
            "--Component:Password=secret", $"--Gateway:Token={Token}", "--Urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        http = new HttpClient { BaseAddress = new Uri(address) };
        await router.WaitForComponentAsync("webhook.localhost", TimeSpan.FromSeconds(10));
    }

    [TearDown]
    public async Task Stop()
    {
        http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        await router.DisposeAsync();
    }

    private Task<HttpResponseMessage> PostAsync(object body, string? token = Token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/messages") { Content = JsonContent.Create(body) };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http.SendAsync(request);
    }

    [Test]
    public async Task APostWithTheTokenBecomesAChatMessage(CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await PostAsync(new { to = "alice@localhost", body = "Build 42 passed & deployed", subject = "CI" });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync(cancellationToken));
        string id = (await response.Content.ReadFromJsonAsync<Accepted>(cancellationToken))!.Id;

        XElement message = await router.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.That(message.To(), Is.EqualTo("alice@localhost"));
        Assert.That(message.From(), Is.EqualTo("hooks@webhook.localhost"));
        Assert.That(message.Type(), Is.EqualTo("chat"));
        Assert.That(message.Id(), Is.EqualTo(id));
        Assert.That((string?)message.Element("body"), Is.EqualTo("Build 42 passed & deployed"));
        Assert.That((string?)message.Element("subject"), Is.EqualTo("CI"));

        using HttpResponseMessage health = await http.GetAsync("/health", cancellationToken);
        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase(null)]
    [TestCase("wrong-token-of-the-same-size")]
    public async Task WithoutTheRightTokenNothingIsSent(string? token)
    {
        using HttpResponseMessage response = await PostAsync(new { to = "alice@localhost", body = "x" }, token);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        await Assert.ThrowsAsync<TimeoutException>(() => router.ReceiveAsync(TimeSpan.FromMilliseconds(300)));
    }

    [TestCase("alice@localhost", "", "body")]
    [TestCase("not a jid@@", "hello", "to")]
    [TestCase("not a jid", "hello", "to")]
    [TestCase("foo", "hello", "to")]
    [TestCase("<x>", "hello", "to")]
    [TestCase("bob smith@localhost", "hello", "to")]
    [TestCase("alice@local host", "hello", "to")]
    [TestCase("alice@localhost", "bell \u0007", "body")]
    public async Task BadRequestsAreProblemsNamingTheField(string to, string body, string field)
    {
        using HttpResponseMessage response = await PostAsync(new { to, body });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain($"\"{field}\""));
        await Assert.ThrowsAsync<TimeoutException>(() => router.ReceiveAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Test]
    public async Task TheSubjectAndTheBodyAreBounded(CancellationToken cancellationToken)
    {
        using HttpResponseMessage subject = await PostAsync(new { to = "alice@localhost", body = "x", subject = new string('s', GatewayApp.MaxSubjectLength + 1) });
        Assert.That(subject.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await subject.Content.ReadAsStringAsync(cancellationToken), Does.Contain("\"subject\""));
        using HttpResponseMessage body = await PostAsync(new { to = "alice@localhost", body = new string('b', GatewayApp.MaxBodyLength + 1) });
        Assert.That(body.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        using HttpResponseMessage huge = await PostAsync(new { to = "alice@localhost", body = "x", padding = new string('p', GatewayApp.MaxRequestBytes) });
        Assert.That(huge.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        await Assert.ThrowsAsync<TimeoutException>(() => router.ReceiveAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Test]
    public async Task TheTokenIsCheckedBeforeTheBodyIsRead(CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/messages") { Content = new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json") };
        using HttpResponseMessage anonymous = await http.SendAsync(request, cancellationToken);
        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "an unauthenticated caller learns nothing about the body");

        var authorized = new HttpRequestMessage(HttpMethod.Post, "/messages") { Content = new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json") };
        authorized.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using HttpResponseMessage malformed = await http.SendAsync(authorized, cancellationToken);
        Assert.That(malformed.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task AReplyIsAnsweredWithANote(CancellationToken cancellationToken)
    {
        await router.SendAsync(new XElement("message", new XAttribute("from", "alice@localhost/phone"), new XAttribute("to", "hooks@webhook.localhost"),
            new XAttribute("type", "chat"), new XElement("body", "thanks!")));
        XElement note = await router.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.That(note.To(), Is.EqualTo("alice@localhost/phone"));
        Assert.That((string?)note.Element("body"), Does.Contain("replies are not read"));
    }

    private sealed record Accepted(string Id, bool Queued);
}
