using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Xml;

public class JidTests
{
    [TestCase("alice@localhost", "alice", "localhost", null)]
    [TestCase("localhost", null, "localhost", null)]
    [TestCase("alice@localhost/phone with spaces", "alice", "localhost", "phone with spaces")]
    [TestCase("bot@echo.localhost/a/b", "bot", "echo.localhost", "a/b")]
    [TestCase("jürgen@münchen.example", "jürgen", "münchen.example", null)]
    [TestCase("x@127.0.0.1", "x", "127.0.0.1", null)]
    [TestCase("x@[::1]/r", "x", "[::1]", "r")]
    [TestCase("x@localhost.", "x", "localhost.", null)]
    public void ParsesAddresses(string text, string? local, string domain, string? resource)
    {
        Assert.That(Jid.TryParse(text, out Jid? jid), Is.True);
        Assert.That((jid!.Local, jid.Domain, jid.Resource), Is.EqualTo((local, domain, resource)));
        Assert.That(jid.ToString(), Is.EqualTo(text));
    }

    [TestCase("")]
    [TestCase("not a jid")]
    [TestCase("bob smith@localhost")]
    [TestCase("<x>")]
    [TestCase("a<b@localhost")]
    [TestCase("a\"b@localhost")]
    [TestCase("a:b@localhost")]
    [TestCase("@localhost")]
    [TestCase("alice@")]
    [TestCase("alice@local host")]
    [TestCase("alice@-localhost")]
    [TestCase("alice@localhost..example")]
    [TestCase("alice@localhost/")]
    [TestCase("alice@localhost/bell\u0007")]
    [TestCase("x@[not-an-ip]")]
    public void RefusesWhatIsNotAnAddress(string text) => Assert.That(Jid.TryParse(text, out _), Is.False, text);

    [TestCase("Alice@LocalHost/phone", "alice@localhost/phone", true)]
    [TestCase("alice@localhost/Phone", "alice@localhost/phone", false)]
    [TestCase("localhost", "localhost.", true)]
    [TestCase("localhost", "localhost.evil", false)]
    [TestCase(null, null, false)]
    public void ComparesAddressesAsServersDo(string? a, string? b, bool same) => Assert.That(Jid.SameAddress(a, b), Is.EqualTo(same));
}
