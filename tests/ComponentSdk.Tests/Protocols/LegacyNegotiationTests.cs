using ComponentSdk.Protocols.Legacy;
using ComponentSdk.Transport;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Protocols;

public class LegacyNegotiationTests
{
    private static StageHarness Start(Action<ConnectionOptions>? configure = null)
    {
        var options = new ConnectionOptions
        {
            Host = "127.0.0.1", Port = 5222, Hostname = "localhost", Login = { Username = "test01", Resource = "res1" }, Password = "test01",
            ConnectionType = ConnectionType.Legacy, Tls = { Mode = TlsPolicy.Disabled }, Version = "0.9",
        };
        configure?.Invoke(options);
        return new StageHarness(options, c => new LegacyNegotiation(c));
    }

    [Test]
    public void APreXmppStreamAsksForTheFieldsThenSendsTheDigest()
    {
        StageHarness h = Start();
        Assert.That(h.Sent(), Is.EqualTo("<stream:stream to='localhost' version='0.9' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"));
        h.Receive("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='legacysid' from='localhost'>");
        Assert.That(h.Sent(), Is.EqualTo("<iq type='get' id='auth-fields' to='localhost'><query xmlns='jabber:iq:auth'><username>test01</username></query></iq>"));

        h.Receive("<iq type='result' id='auth-fields'><query xmlns='jabber:iq:auth'><username/><password/><digest/><resource/></query></iq>");
        // PCJ's trace: sha1("legacysid" + "test01").
        Assert.That(h.Sent(), Is.EqualTo("<iq type='set' id='auth-login' to='localhost'><query xmlns='jabber:iq:auth'><username>test01</username><digest>7ca67fe74bf881aaa5f14a0f172b940be034f479</digest><resource>res1</resource></query></iq>"));

        h.Receive("<iq type='result' id='auth-login'/>");
        Assert.That(h.Observer.Established, Is.EqualTo(new SessionEstablished(Jid.Parse("test01@localhost/res1"), "legacysid")));
    }

    [Test]
    public void ThePasswordGoesOnlyWithPlainTextAndOnlyOverTlsUnlessAllowed()
    {
        StageHarness refused = Start();
        refused.Receive("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='x'>");
        refused.Receive("<iq type='result' id='auth-fields'><query xmlns='jabber:iq:auth'><username/><password/><resource/></query></iq>");
        Assert.That(refused.Context.CloseReason!.Message, Does.Contain("PlainText"));

        StageHarness clear = Start(o => o.Login.PlainText = true);
        clear.Receive("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='x'>");
        clear.Receive("<iq type='result' id='auth-fields'><query xmlns='jabber:iq:auth'><username/><password/><resource/></query></iq>");
        Assert.That(((XmppAuthenticationException)clear.Context.CloseReason!).Condition, Is.EqualTo("encryption-required"));
        Assert.That(clear.Sent(), Does.Not.Contain("<password>"));

        StageHarness allowed = Start(o => { o.Login.PlainText = true; o.Login.AllowPlaintextWithoutTls = true; });
        allowed.Receive("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='x'>");
        allowed.Sent();
        allowed.Receive("<iq type='result' id='auth-fields'><query xmlns='jabber:iq:auth'><username/><password/><resource/></query></iq>");
        Assert.That(allowed.Sent(), Does.Contain("<password>test01</password>"));
    }

    [TestCase("<error code='401'/>", "not-authorized", TestName = "jabberd2's numeric 401")]
    [TestCase("<error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>", "conflict", TestName = "409 conflict")]
    [TestCase("<error type='modify'><not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>", "not-acceptable", TestName = "406 not-acceptable")]
    public void ErrorsBecomeTypedFailures(string error, string condition)
    {
        StageHarness h = Start();
        h.Receive("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='x'>");
        h.Receive("<iq type='result' id='auth-fields'><query xmlns='jabber:iq:auth'><username/><digest/><resource/></query></iq>");
        h.Receive($"<iq type='error' id='auth-login'>{error}</iq>");
        Assert.That(((XmppAuthenticationException)h.Context.CloseReason!).Condition, Is.EqualTo(condition));
        Assert.That(h.Statuses.Last(), Is.EqualTo(ConnectionStatus.AuthFail));
    }

    [Test]
    public void OnAnXmpp1StreamTheFeaturesDecideTls()
    {
        StageHarness h = Start(o => { o.Version = null; o.Tls.Mode = TlsPolicy.Required; });
        Assert.That(h.Sent(), Does.Contain("version='1.0'"), "Legacy defaults to an XMPP 1.0 stream");
        h.Receive("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0' id='x'><stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><auth xmlns='http://jabber.org/features/iq-auth'/></stream:features>");
        Assert.That(h.Sent(), Is.EqualTo("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"));
    }
}
