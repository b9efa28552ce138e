using System.Text;
using System.Xml.Linq;
using ComponentSdk.Protocols.Jabberd2;
using ComponentSdk.Transport;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Protocols;

/// <summary>The jabberd2 router protocol against a router scripted from the captures in PROTOCOL.md.</summary>
public class Jabberd2NegotiationTests
{
    private const string Ns = "http://jabberd.jabberstudio.org/ns/component/1.0";
    private const string Header = "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='" + Ns + "' from='localhost' version='1.0' id='j2sid{0}'>";
    private const string Sasl = "urn:ietf:params:xml:ns:xmpp-sasl";

    private static StageHarness Start(Action<ConnectionOptions>? configure = null)
    {
        var options = new ConnectionOptions
        {
            Host = "127.0.0.1", Port = 5347, Hostname = "localhost", Login = { Username = "component" }, Password = "secret",
            ConnectionType = ConnectionType.Jabberd2, Tls = { Mode = TlsPolicy.Optional }, Jabberd2 = { BindDomain = "comp.localhost" },
        };
        configure?.Invoke(options);
        var h = new StageHarness(options, c => new Jabberd2Negotiation(c));
        Assert.That(h.Sent(), Is.EqualTo($"<stream:stream to='localhost' version='1.0' xmlns='{Ns}' xmlns:stream='http://etherx.jabber.org/streams'>"));
        return h;
    }

    /// <summary>DIGEST-MD5 as the router does it: one challenge, rspauth inside success.</summary>
    private static void Authenticate(StageHarness h, string password = "secret")
    {
        h.Receive(string.Format(Header, 1) + $"<stream:features xmlns:stream='http://etherx.jabber.org/streams'><mechanisms xmlns='{Sasl}'><mechanism>DIGEST-MD5</mechanism></mechanisms></stream:features>");
        Assert.That(h.Sent(), Is.EqualTo($"<auth xmlns='{Sasl}' mechanism='DIGEST-MD5'/>"));
        const string nonce = "BBOxdYIloadIXLPViqyegQ==";
        h.Receive($"<challenge xmlns='{Sasl}'>{B64($"realm=\"jabberd-router\", nonce=\"{nonce}\", qop=\"auth\", charset=utf-8, algorithm=md5-sess")}</challenge>");
        string response = Encoding.UTF8.GetString(Convert.FromBase64String(XElement.Parse(h.Sent()).Value));
        Dictionary<string, string> fields = ComponentSdk.Sasl.DigestMd5Mechanism.Parse(response);
        Assert.That(fields["realm"], Is.EqualTo("jabberd-router"), "the router needs the realm back");
        Assert.That(fields["username"], Is.EqualTo("component"));
        string rspauth = Rspauth(password, fields["cnonce"], nonce, fields["digest-uri"]);
        h.Receive($"<success xmlns='{Sasl}'>{B64("rspauth=" + rspauth)}</success>");
        Assert.That(h.Sent(), Does.StartWith("<stream:stream"), "a new stream after SASL");
    }

    [Test]
    public void AuthenticatesThenBindsEveryNameWithItsOptions()
    {
        StageHarness h = Start(o => { o.Jabberd2.BindDomain = "comp.localhost, other.localhost"; o.Jabberd2.BindOption = "log"; });
        Authenticate(h);
        h.Receive(string.Format(Header, 2) + "<stream:features xmlns:stream='http://etherx.jabber.org/streams'></stream:features>");
        // In the stream's own namespace, so written without a declaration.
        Assert.That(h.Sent(), Is.EqualTo("<bind name='comp.localhost' id='bind-1'><log/></bind><bind name='other.localhost' id='bind-2'><log/></bind>"));

        // The router echoes each bind without its name.
        h.Receive($"<bind xmlns='{Ns}' id='bind-1'><log></log></bind>");
        Assert.That(h.Observer.Established, Is.Null, "ready only when every name is bound");
        h.Receive($"<bind xmlns='{Ns}' id='bind-2'><log></log></bind>");
        Assert.That(h.Observer.Established, Is.EqualTo(new SessionEstablished(Jid.Parse("comp.localhost"), "j2sid2")));
        Assert.That(h.Channel.Pipeline.Get(PipelineNames.Route), Is.TypeOf<RouteCodec>());
        Assert.That(h.Statuses, Does.Contain(ConnectionStatus.BindSuccess));
    }

    [Test]
    public void NothingIsBoundBeforeAuthentication()
    {
        StageHarness h = Start();
        h.Receive(string.Format(Header, 1) + "<stream:features xmlns:stream='http://etherx.jabber.org/streams'></stream:features>");
        Assert.That(h.Sent(), Does.Not.Contain("<bind"));
        Assert.That(((XmppAuthenticationException)h.Context.CloseReason!).Condition, Is.EqualTo("invalid-mechanism"));
    }

    [Test]
    public void AWrongRspauthIsRefused()
    {
        StageHarness h = Start();
        h.Receive(string.Format(Header, 1) + $"<stream:features><mechanisms xmlns='{Sasl}'><mechanism>DIGEST-MD5</mechanism></mechanisms></stream:features>");
        h.Sent();
        h.Receive($"<challenge xmlns='{Sasl}'>{B64("realm=\"r\",nonce=\"n\",qop=\"auth\",charset=utf-8,algorithm=md5-sess")}</challenge>");
        h.Sent();
        h.Receive($"<success xmlns='{Sasl}'>{B64("rspauth=00000000000000000000000000000000")}</success>");
        Assert.That(((XmppAuthenticationException)h.Context.CloseReason!).Condition, Is.EqualTo("server-verification-failed"));
    }

    [TestCase("409")]
    [TestCase("403")]
    public void ABindWithAnErrorIsATypedFailureNamingTheCode(string code)
    {
        StageHarness h = Start();
        Authenticate(h);
        h.Receive(string.Format(Header, 2) + "<stream:features></stream:features>");
        h.Sent();
        h.Receive($"<bind xmlns='{Ns}' error='{code}' id='bind-1'></bind>");
        var error = (BindFailedException)h.Context.CloseReason!;
        Assert.That(error.Code, Is.EqualTo(int.Parse(code)));
        Assert.That(error.Name, Is.EqualTo("comp.localhost"));
        Assert.That(h.Statuses.Last(), Is.EqualTo(ConnectionStatus.BindFail));
    }

    [Test]
    public void RoutesAreUnwrappedAndStanzasWrapped()
    {
        StageHarness h = Bound();
        h.Receive($"<route xmlns='{Ns}' to='comp.localhost' from='localhost'><message xmlns='jabber:client' to='someone@comp.localhost/res' type='chat' id='m1' from='alice@localhost/legacy'><body>hi component</body></message></route>");
        XElement message = h.Observer.Stanzas.Single();
        Assert.That(message.Name, Is.EqualTo(XName.Get("message")));
        Assert.That(message.Parent, Is.Null);
        Assert.That(message.Annotation<Jabberd2Route>(), Is.EqualTo(new Jabberd2Route("localhost", "comp.localhost", null, null)));

        h.Channel.WriteAndFlushAsync(new XElement("message", new XAttribute("to", "alice@localhost/legacy"), new XAttribute("from", "someone@comp.localhost/res"), new XElement("body", "reply")));
        Assert.That(h.Sent(), Is.EqualTo("<route to='localhost' from='comp.localhost'><message xmlns='jabber:client' to='alice@localhost/legacy' from='someone@comp.localhost/res'><body>reply</body></message></route>"));

        h.Channel.WriteAndFlushAsync(new XElement("iq", new XAttribute("to", "localhost"), new XAttribute("type", "get")));
        Assert.That(h.Sent(), Does.Contain("from='comp.localhost'><iq xmlns='jabber:client' to='localhost' type='get' from='comp.localhost'/>"), "the bound name is the default sender");
    }

    [Test]
    public void AdvertsLogCopiesAndBouncesAreRecognised()
    {
        StageHarness h = Bound();
        h.Receive($"<presence xmlns='{Ns}' from='localhost'></presence><presence xmlns='{Ns}' type='unavailable' from='dup.localhost'></presence>");
        Assert.That(h.Observer.Stanzas, Is.Empty, "adverts are not stanzas");
        Assert.That(h.Observer.Statuses.Where(s => s.Status == ConnectionStatus.NameAdvertised).Select(s => s.Detail), Is.EqualTo(new[] { "localhost", "dup.localhost unavailable" }));

        h.Receive($"<route xmlns='{Ns}' type='log' to='localhost' from='c2s'><message xmlns='jabber:client' xmlns:sc='http://jabberd.jabberstudio.org/ns/session/1.0' to='bob@localhost' sc:c2s='8'><body>seen</body></message></route>");
        Assert.That(h.Observer.Stanzas, Is.Empty, "a log copy is not traffic");
        Assert.That(h.Observer.LogCopies.Single().Route.IsLogCopy, Is.True);
        Assert.That(h.Observer.LogCopies.Single().Stanza.Element("body")?.Value, Is.EqualTo("seen"));

        h.Receive($"<route xmlns='{Ns}' error='404' from='comp.localhost' to='nowhere.invalid'><message xmlns='jabber:client' from='x@comp.localhost' to='alice@localhost/legacy'><body>lost</body></message></route>");
        Assert.That(h.Observer.Stanzas, Is.Empty, "a bounce is not traffic");
        Assert.That(h.Observer.Bounced.Single().Error, Is.InstanceOf<RouteErrorException>().With.Property("Code").EqualTo(404));
        Assert.That(h.Observer.Statuses.Last().Status, Is.EqualTo(ConnectionStatus.RouteError));
    }

    private static StageHarness Bound()
    {
        StageHarness h = Start();
        Authenticate(h);
        h.Receive(string.Format(Header, 2) + "<stream:features></stream:features>");
        h.Receive($"<bind xmlns='{Ns}' id='bind-1'></bind>");
        h.Sent();
        return h;
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

#pragma warning disable CA5351 // the protocol's hash
    private static string Rspauth(string password, string cnonce, string nonce, string digestUri)
    {
        static string Hex(byte[] b) => Convert.ToHexStringLower(b);
        byte[] user = System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes($"component:jabberd-router:{password}"));
        string ha1 = Hex(System.Security.Cryptography.MD5.HashData([.. user, .. Encoding.UTF8.GetBytes($":{nonce}:{cnonce}")]));
        string ha2 = Hex(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes(":" + digestUri)));
        return Hex(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes($"{ha1}:{nonce}:00000001:{cnonce}:auth:{ha2}")));
    }
#pragma warning restore CA5351
}
