using ComponentSdk.Protocols.Accept;
using ComponentSdk.Transport;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Protocols;

public class AcceptHandshakeTests
{
    private static ConnectionOptions Options => new() { Host = "127.0.0.1", Port = 5347, Hostname = "echo.localhost", Password = "secret" };

    private static StageHarness Start()
    {
        // EmbeddedChannel is active from construction: the stream header is already written.
        return new StageHarness(Options, context => new AcceptHandshake(context));
    }

    [Test]
    public void TheDigestIsLowerCaseHexSha1OfStreamIdAndSecret()
    {
        // The example of XEP-0114 §3 and PCJ's trace.
        Assert.That(HandshakeDigest.Compute("j14sid", "secret"), Is.EqualTo("0cd5b31cc6ae4d8c8a9ef01ce52254d6500f38d9"));
    }

    [Test]
    public void OpensTheStreamAnswersTheIdAndBecomesReadyOnTheEmptyHandshake()
    {
        StageHarness harness = Start();
        Assert.That(harness.Sent(), Is.EqualTo("<stream:stream to='echo.localhost' version='0.9' xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams'>"));

        harness.Receive("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:component:accept' from='echo.localhost' id='j14sid'>");
        Assert.That(harness.Sent(), Is.EqualTo("<handshake>0cd5b31cc6ae4d8c8a9ef01ce52254d6500f38d9</handshake>"));

        harness.Receive("<handshake/><message from='a@b' to='x@echo.localhost'><body>first</body></message>");
        Assert.That(harness.Observer.Established, Is.EqualTo(new SessionEstablished(new Jid(null, "echo.localhost"), "j14sid")));
        Assert.That(harness.Channel.Pipeline.Get<AcceptHandshake>(), Is.Null, "the handshake stage removed itself");
        Assert.That(harness.Observer.Stanzas.Single().Element("body")?.Value, Is.EqualTo("first"), "a stanza in the same read as <handshake/> reaches dispatch");
        Assert.That(harness.Statuses, Is.EqualTo(new[]
        {
            ConnectionStatus.Connected, ConnectionStatus.StreamStart, ConnectionStatus.NodeSent, ConnectionStatus.AuthNegotiate,
            ConnectionStatus.NodeSent, ConnectionStatus.AuthSuccess,
        }));
    }

    [Test]
    public void AStreamErrorIsAnAuthenticationFailureWithTheServersCondition()
    {
        StageHarness harness = Start();
        harness.Receive("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:component:accept' id='x'>");
        harness.Sent();
        harness.Receive("<stream:error><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>Given token does not match calculated token</text></stream:error></stream:stream>");

        var error = (XmppAuthenticationException)harness.Context.CloseReason!;
        Assert.That(error.Condition, Is.EqualTo("not-authorized"));
        Assert.That(error.Text, Is.EqualTo("Given token does not match calculated token"));
        Assert.That(harness.Statuses.Last(), Is.EqualTo(ConnectionStatus.AuthFail));
        Assert.That(harness.Sent(), Is.EqualTo("</stream:stream>"), "our stream is closed, no second handshake");
        Assert.That(harness.Channel.Open, Is.False);
        Assert.That(harness.Observer.Established, Is.Null);
    }

    [Test]
    public void TheServerClosingItsStreamIsNeverTakenForANewOne()
    {
        StageHarness harness = Start();
        harness.Receive("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:component:accept' id='x'>");
        harness.Sent();
        harness.Receive("</stream:stream>");
        Assert.That(harness.Sent(), Is.EqualTo("</stream:stream>"), "no handshake with an empty id (PCJ's bug)");
        Assert.That(harness.Context.CloseReason, Is.TypeOf<ConnectionLostException>());
    }

    [Test]
    public void AnythingButTheHandshakeIsAFailure()
    {
        StageHarness harness = Start();
        harness.Receive("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:component:accept' id='x'><message/>");
        Assert.That(((XmppAuthenticationException)harness.Context.CloseReason!).Condition, Is.EqualTo("unexpected-element"));
    }
}
