using System.Text;
using ComponentSdk.Protocols.Client;
using ComponentSdk.Transport;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Protocols;

/// <summary>The client negotiation against a scripted server (no TLS here: the real servers cover TLS).</summary>
public class ClientNegotiationTests
{
    private const string Header = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0' from='localhost' id='s{0}'>";
    private const string Sasl = "urn:ietf:params:xml:ns:xmpp-sasl";

    private static StageHarness Start(Action<ConnectionOptions>? configure = null)
    {
        var options = new ConnectionOptions
        {
            Host = "127.0.0.1", Port = 5222, Hostname = "localhost", Password = "alicepw", ConnectionType = ConnectionType.Client,
            Login = { Username = "alice", AllowPlaintextWithoutTls = true }, Tls = { Mode = TlsPolicy.Optional },
        };
        configure?.Invoke(options);
        return new StageHarness(options, c => new ClientNegotiation(c));
    }

    private static string Features(string inner) => $"<stream:features>{inner}</stream:features>";

    [Test]
    public void PlainLoginBindAndSessionInPcjsOrder()
    {
        StageHarness h = Start(o => o.Login.Resource = "res1");
        Assert.That(h.Sent(), Is.EqualTo("<stream:stream to='localhost' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"));

        // Children in any order: features are parsed, not compared.
        h.Receive(string.Format(Header, 1) + Features($"<auth xmlns='http://jabber.org/features/iq-auth'/><mechanisms xmlns='{Sasl}'><mechanism>PLAIN</mechanism></mechanisms>"));
        Assert.That(h.Sent(), Is.EqualTo($"<auth xmlns='{Sasl}' mechanism='PLAIN'>{Convert.ToBase64String(Encoding.UTF8.GetBytes("\0alice\0alicepw"))}</auth>"));

        h.Receive($"<success xmlns='{Sasl}'/>");
        Assert.That(h.Sent(), Does.StartWith("<stream:stream to='localhost'"), "a new stream after SASL");
        h.Receive(string.Format(Header, 2) + Features("<session xmlns='urn:ietf:params:xml:ns:xmpp-session'/><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"));
        Assert.That(h.Sent(), Is.EqualTo("<iq type='set' id='bind-1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>res1</resource></bind></iq>"));

        h.Receive("<iq type='result' id='bind-1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>alice@localhost/res1</jid></bind></iq>");
        Assert.That(h.Sent(), Is.EqualTo("<iq type='set' id='session-2'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>"));
        h.Receive("<iq type='result' id='session-2'/>");

        Assert.That(h.Observer.Established, Is.EqualTo(new SessionEstablished(Jid.Parse("alice@localhost/res1"), "s2")));
        Assert.That(h.Statuses, Is.EqualTo(new[]
        {
            ConnectionStatus.Connected, ConnectionStatus.StreamStart, ConnectionStatus.NodeSent, ConnectionStatus.AuthNegotiate, ConnectionStatus.NodeSent,
            ConnectionStatus.AuthSuccess, ConnectionStatus.StreamStart, ConnectionStatus.NodeSent, ConnectionStatus.BindNegotiate, ConnectionStatus.RequestStart,
            ConnectionStatus.NodeSent, ConnectionStatus.BindSuccess, ConnectionStatus.SessionNegotiate, ConnectionStatus.RequestStart, ConnectionStatus.NodeSent,
            ConnectionStatus.SessionSuccess,
        }));
    }

    [Test]
    public void AnOptionalSessionIsSkippedAndAMissingResourceIsLeftToTheServer()
    {
        StageHarness h = LoggedIn();
        h.Receive(string.Format(Header, 2) + Features("<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><required/></bind><session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session>"));
        Assert.That(h.Sent(), Is.EqualTo("<iq type='set' id='bind-1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>"));
        h.Receive("<iq type='result' id='bind-1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>alice@localhost/generated</jid></bind></iq>");
        Assert.That(h.Sent(), Is.Empty, "no session request");
        Assert.That(h.Observer.Established!.Jid.Resource, Is.EqualTo("generated"));
    }

    [Test]
    public void AResourceTheServerCannotTakeIsReplacedByAServerGeneratedOne()
    {
        StageHarness h = AskedToBind("unusable");
        h.Receive(BindError(1, "modify", "bad-request"));
        Assert.That(h.Sent(), Is.EqualTo("<iq type='set' id='bind-2'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>"));
        h.Receive("<iq type='result' id='bind-2'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>alice@localhost/generated</jid></bind></iq>");
        Assert.That(h.Observer.Established!.Jid.Resource, Is.EqualTo("generated"));
        Assert.That(h.Statuses.Count(s => s == ConnectionStatus.BindNegotiate), Is.EqualTo(1), "one negotiation, two requests");
    }

    [Test]
    public void ABindRefusedForGoodIsABindFailureWithoutARetry()
    {
        StageHarness h = AskedToBind("res1");
        h.Receive(BindError(1, "cancel", "not-allowed"));
        Assert.That(h.Sent(), Does.Not.Contain("bind-2"), "no second request");
        Assert.That(((XmppAuthenticationException)h.Context.CloseReason!).Condition, Is.EqualTo("not-allowed"));
        Assert.That(h.Statuses.Last(), Is.EqualTo(ConnectionStatus.BindFail));
    }

    [Test]
    public void ABindConflictIsRetriedOnceWithAServerGeneratedResource()
    {
        StageHarness h = AskedToBind("taken");
        h.Receive(BindError(1, "cancel", "conflict"));
        Assert.That(h.Sent(), Is.EqualTo("<iq type='set' id='bind-2'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>"));
        h.Receive(BindError(2, "cancel", "conflict"));
        Assert.That(((XmppAuthenticationException)h.Context.CloseReason!).Condition, Is.EqualTo("conflict"));
        Assert.That(h.Statuses.Last(), Is.EqualTo(ConnectionStatus.BindFail));
    }

    [Test]
    public void ASaslFailureIsATypedErrorWithTheConditionAndNoRetry()
    {
        StageHarness h = Start();
        h.Sent();
        h.Receive(string.Format(Header, 1) + Features($"<mechanisms xmlns='{Sasl}'><mechanism>PLAIN</mechanism></mechanisms>"));
        h.Sent();
        h.Receive($"<failure xmlns='{Sasl}'><not-authorized/><text xml:lang='en'>Invalid username or password</text></failure>");
        var error = (XmppAuthenticationException)h.Context.CloseReason!;
        Assert.That(error.Condition, Is.EqualTo("not-authorized"));
        Assert.That(error.Text, Is.EqualTo("Invalid username or password"));
        Assert.That(h.Sent(), Is.EqualTo("</stream:stream>"), "no second attempt");
        Assert.That(h.Statuses.Last(), Is.EqualTo(ConnectionStatus.AuthFail));
    }

    [Test]
    public void NoUsableMechanismFailsBeforeSendingAnything()
    {
        StageHarness h = Start(o => o.Login.AllowPlaintextWithoutTls = false);
        h.Sent();
        h.Receive(string.Format(Header, 1) + Features($"<mechanisms xmlns='{Sasl}'><mechanism>PLAIN</mechanism><mechanism>X-OAUTH2</mechanism></mechanisms>"));
        Assert.That(h.Sent(), Is.EqualTo("</stream:stream>"));
        var error = (XmppAuthenticationException)h.Context.CloseReason!;
        Assert.That(error.Message, Does.Contain("AllowPlaintextWithoutTls"));
    }

    [Test]
    public void ServerFeaturesWithoutStartTlsFailWhenTlsIsRequired()
    {
        StageHarness h = Start(o => o.Tls.Mode = TlsPolicy.Required);
        h.Sent();
        h.Receive(string.Format(Header, 1) + Features($"<mechanisms xmlns='{Sasl}'><mechanism>PLAIN</mechanism></mechanisms>"));
        Assert.That(h.Context.CloseReason, Is.TypeOf<TlsNegotiationException>());
        Assert.That(h.Context.CloseReason!.Message, Does.Contain("does not offer STARTTLS"));
        Assert.That(h.Sent(), Is.EqualTo("</stream:stream>"), "no credentials in the clear");
        Assert.That(h.Statuses.Last(), Is.EqualTo(ConnectionStatus.SslFail));
    }

    [Test]
    public void StartTlsIsRequestedWhenOfferedAndARefusalFails()
    {
        StageHarness h = Start(o => o.Tls.Mode = TlsPolicy.Required);
        h.Sent();
        h.Receive(string.Format(Header, 1) + Features("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"));
        Assert.That(h.Sent(), Is.EqualTo("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"));
        Assert.That(h.Statuses.Last(), Is.EqualTo(ConnectionStatus.NodeSent));
        h.Receive("<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        Assert.That(h.Context.CloseReason, Is.TypeOf<TlsNegotiationException>());
    }

    [Test]
    public void TlsDisabledIgnoresTheOffer()
    {
        StageHarness h = Start(o => o.Tls.Mode = TlsPolicy.Disabled);
        h.Sent();
        h.Receive(string.Format(Header, 1) + Features($"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><mechanisms xmlns='{Sasl}'><mechanism>PLAIN</mechanism></mechanisms>"));
        Assert.That(h.Sent(), Does.StartWith($"<auth xmlns='{Sasl}' mechanism='PLAIN'>"));
    }

    [Test]
    public void AForgedScramServerSignatureEndsTheLogin()
    {
        StageHarness h = Start(o => o.Login.SaslMechanisms = ["SCRAM-SHA-1"]);
        h.Sent();
        h.Receive(string.Format(Header, 1) + Features($"<mechanisms xmlns='{Sasl}'><mechanism>SCRAM-SHA-1</mechanism></mechanisms>"));
        string auth = h.Sent();
        string clientFirst = Encoding.UTF8.GetString(Convert.FromBase64String(auth[(auth.IndexOf('>') + 1)..auth.LastIndexOf('<')]));
        string nonce = clientFirst.Split("r=")[1];
        h.Receive($"<challenge xmlns='{Sasl}'>{Convert.ToBase64String(Encoding.UTF8.GetBytes($"r={nonce}srv,s=QSXCR+Q6sek8bf92,i=4096"))}</challenge>");
        h.Sent();
        h.Receive($"<success xmlns='{Sasl}'>{Convert.ToBase64String(Encoding.UTF8.GetBytes("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA="))}</success>");
        Assert.That(((XmppAuthenticationException)h.Context.CloseReason!).Condition, Is.EqualTo("server-verification-failed"));
        Assert.That(h.Observer.Established, Is.Null);
    }

    private static StageHarness LoggedIn(Action<ConnectionOptions>? configure = null)
    {
        StageHarness h = Start(configure);
        h.Receive(string.Format(Header, 1) + Features($"<mechanisms xmlns='{Sasl}'><mechanism>PLAIN</mechanism></mechanisms>"));
        h.Receive($"<success xmlns='{Sasl}'/>");
        h.Sent();
        return h;
    }

    /// <summary>Logged in with <paramref name="resource"/> configured; the server offered binding and the request is out.</summary>
    private static StageHarness AskedToBind(string resource)
    {
        StageHarness h = LoggedIn(o => o.Login.Resource = resource);
        h.Receive(string.Format(Header, 2) + Features("<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"));
        h.Sent();
        return h;
    }

    private static string BindError(int attempt, string type, string condition) =>
        $"<iq type='error' id='bind-{attempt}'><error type='{type}'><{condition} xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>";
}
