using System.Xml.Linq;
using ComponentSdk.Tests.Components;
using ComponentSdk.Tests.Support;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Testing;

/// <summary>The loopback router answers what a server answers for itself, so a component's own requests complete.</summary>
[CancelAfter(20_000)]
public class LoopbackRouterTests : RouterFixture
{
    private static readonly XNamespace DiscoInfo = "http://jabber.org/protocol/disco#info";
    private static readonly XNamespace DiscoItems = "http://jabber.org/protocol/disco#items";

    private static XElement Get(string to, XName query) =>
        new("iq", new XAttribute("type", "get"), new XAttribute("to", to), new XAttribute("from", "echo.localhost"), new XElement(query));

    [Test]
    public async Task TheServerAnswersDiscoPingAndVersionForItsOwnDomain(CancellationToken cancellationToken)
    {
        await using TestComponent echo = await ConnectedAsync();
        await using TestComponent echo2 = await ConnectedAsync("echo2.localhost");

        XElement info = await echo.RequestAsync(Get("localhost", DiscoInfo + "query"), cancellationToken: cancellationToken);
        Assert.That((info.Type(), info.From(), info.To()), Is.EqualTo(("result", "localhost", "echo.localhost")));
        Assert.That(info.Descendants(DiscoInfo + "identity").Single().Attribute("category")?.Value, Is.EqualTo("server"));
        Assert.That(info.Descendants(DiscoInfo + "feature").Select(f => f.Attribute("var")?.Value),
            Is.SupersetOf(new[] { "http://jabber.org/protocol/disco#items", "urn:xmpp:ping", "jabber:iq:version" }));

        XElement items = await echo.RequestAsync(Get("localhost", DiscoItems + "query"), cancellationToken: cancellationToken);
        Assert.That(items.Descendants(DiscoItems + "item").Select(i => i.Attribute("jid")?.Value), Is.EqualTo(new[] { "echo.localhost", "echo2.localhost" }));

        XElement pong = await echo.RequestAsync(Get("localhost", XName.Get("ping", "urn:xmpp:ping")), cancellationToken: cancellationToken);
        Assert.That(pong.Type(), Is.EqualTo("result"));

        XElement version = await echo.RequestAsync(Get("localhost", XName.Get("query", "jabber:iq:version")), cancellationToken: cancellationToken);
        Assert.That(version.Descendants(XName.Get("name", "jabber:iq:version")).Single().Value, Is.EqualTo("ComponentSdk.Testing.LoopbackRouter"));
    }

    [Test]
    public async Task ARequestToADomainNobodyServesIsServiceUnavailable(CancellationToken cancellationToken)
    {
        await using TestComponent echo = await ConnectedAsync();

        XElement bounce = await echo.RequestAsync(Get("nowhere.localhost", XName.Get("query", "jabber:iq:last")), cancellationToken: cancellationToken);

        Assert.That((bounce.Type(), bounce.ErrorCondition(), bounce.From()), Is.EqualTo(("error", "service-unavailable", "nowhere.localhost")));
    }

    [Test]
    public async Task RequestsToUsersAndQueriesTheServerDoesNotKnowAreLeftToTheTest(CancellationToken cancellationToken)
    {
        await using TestComponent echo = await ConnectedAsync();

        Task<XElement> toUser = echo.RequestAsync(Get("alice@localhost", DiscoInfo + "query"), cancellationToken: cancellationToken);
        Assert.That((await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).To(), Is.EqualTo("alice@localhost"));
        Task<XElement> unknown = echo.RequestAsync(Get("localhost", XName.Get("query", "jabber:iq:last")), cancellationToken: cancellationToken);
        Assert.That((await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).Elements().Single().Name.NamespaceName, Is.EqualTo("jabber:iq:last"));
        Assert.That(toUser.IsCompleted || unknown.IsCompleted, Is.False);
    }
}
