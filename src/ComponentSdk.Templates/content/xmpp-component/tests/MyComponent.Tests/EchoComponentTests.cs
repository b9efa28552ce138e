using System.Xml.Linq;
using ComponentSdk.Testing;
using ComponentSdk.Xml;
using Microsoft.Extensions.Logging.Abstractions;

namespace MyComponent.Tests;

/// <summary>The component against an in-process router: no server needed.</summary>
public class EchoComponentTests
{
    private LoopbackRouter router = null!;
    private EchoComponent component = null!;

    [SetUp]
    public async Task Connect()
    {
        router = await LoopbackRouter.StartAsync();
        router.AddComponent("echo.localhost", "secret");
        component = new EchoComponent(router.OptionsFor("echo.localhost"), NullLogger<EchoComponent>.Instance);
        await component.ConnectAsync();
    }

    [TearDown]
    public async Task Disconnect()
    {
        await component.DisposeAsync();
        await router.DisposeAsync();
    }

    [Test]
    public async Task AnswersAMessageWithItsText()
    {
        await router.SendAsync(new XElement("message", new XAttribute("from", "alice@localhost/phone"), new XAttribute("to", "bot@echo.localhost"),
            new XAttribute("type", "chat"), new XAttribute("id", "m1"), new XElement("body", "hello")));

        XElement reply = await router.ReceiveAsync(TimeSpan.FromSeconds(5));

        Assert.That(reply.To(), Is.EqualTo("alice@localhost/phone"));
        Assert.That(reply.From(), Is.EqualTo("bot@echo.localhost"));
        Assert.That(reply.Element("body")?.Value, Is.EqualTo("hello"));
    }

    [Test]
    public async Task AnswersPing()
    {
        await router.SendAsync(new XElement("iq", new XAttribute("from", "localhost"), new XAttribute("to", "echo.localhost"), new XAttribute("type", "get"),
            new XAttribute("id", "p1"), new XElement(XName.Get("ping", "urn:xmpp:ping"))));

        XElement pong = await router.ReceiveAsync(TimeSpan.FromSeconds(5));

        Assert.That((pong.Type(), pong.Id()), Is.EqualTo(("result", "p1")));
    }
}
