using System.Xml.Linq;
using ComponentSdk.Runtime;

namespace ComponentSdk.Tests.Runtime;

public class CheckRelayTests
{
    private static readonly Jid Self = Jid.Parse("echo.localhost");

    private static XElement Ping(string id, string type = "get", string from = "echo.localhost", string to = "echo.localhost") =>
        new("iq", new XAttribute("type", type), new XAttribute("id", id), new XAttribute("from", from), new XAttribute("to", to),
            new XElement(XName.Get("ping", "urn:xmpp:ping")));

    [TestCase("b-0123456789abcdef-7")]
    [TestCase("liveness-0123456789abcdef")]
    public void AnotherProcesssCheckToOurDomainIsSentBackUnchanged(string id)
    {
        var relay = new CheckRelay();
        var sent = new List<XElement>();
        XElement check = Ping(id);
        Assert.That(relay.TryRelay(check, Self, sent.Add), Is.True);
        Assert.That(sent, Has.Count.EqualTo(1));
        Assert.That(XNode.DeepEquals(sent[0], check), Is.True);
        Assert.That(sent[0], Is.Not.SameAs(check));
    }

    [TestCase("b-0123456789abcdef-7", "result", "echo.localhost", "echo.localhost")] // an answer, not a check
    [TestCase("b-0123456789abcdef-7", "get", "bob@localhost/x", "echo.localhost")] // from someone else: a ping to answer
    [TestCase("b-0123456789abcdef-7", "get", "echo.localhost", "bot@echo.localhost")] // not to the domain itself
    [TestCase("b-0123456789ABCDEF-7", "get", "echo.localhost", "echo.localhost")] // not an id we make
    [TestCase("liveness-1", "get", "echo.localhost", "echo.localhost")]
    [TestCase("ping-1", "get", "echo.localhost", "echo.localhost")]
    public void AnythingElseIsLeftToTheHandlers(string id, string type, string from, string to)
    {
        var sent = new List<XElement>();
        Assert.That(new CheckRelay().TryRelay(Ping(id, type, from, to), Self, sent.Add), Is.False);
        Assert.That(sent, Is.Empty);
    }

    [Test]
    public void ACheckThatKeepsComingBackIsGivenUpOnAfterSixteenRelays()
    {
        var relay = new CheckRelay();
        var sent = new List<XElement>();
        for (int i = 0; i < 20; i++) Assert.That(relay.TryRelay(Ping("b-0123456789abcdef-1"), Self, sent.Add), Is.True, "consumed every time");
        Assert.That(sent, Has.Count.EqualTo(16));
    }
}
