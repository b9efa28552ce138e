using System.Text;
using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.IntegrationTests;

/// <summary>XMPP 1.0 and legacy logins against the real servers.</summary>
[NonParallelizable]
[CancelAfter(60_000)]
public class ClientTests
{
    private static readonly XName Roster = XName.Get("query", "jabber:iq:roster");

    public static IEnumerable<TestCaseData> Mechanisms()
    {
        foreach (string m in new[] { "PLAIN", "SCRAM-SHA-1" }) yield return new TestCaseData("prosody", m);
        foreach (string m in new[] { "PLAIN", "DIGEST-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-512", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256-PLUS", "SCRAM-SHA-512-PLUS" })
            yield return new TestCaseData("ejabberd", m);
        foreach (string m in new[] { "PLAIN", "DIGEST-MD5" }) yield return new TestCaseData("jabberd2", m);
    }

    [TestCaseSource(nameof(Mechanisms))]
    public async Task AliceLogsInWithEveryMechanismTheServerOffers(string server, string mechanism, CancellationToken cancellationToken)
    {
        ConnectionOptions options = Servers.Get(server).Client("alice", "alicepw");
        options.Login.SaslMechanisms = [mechanism];
        // ejabberd's -PLUS variants bind with tls-unique, which exists only under TLS 1.2 (RFC 9266).
        if (mechanism.EndsWith("-PLUS", StringComparison.Ordinal)) options.Tls.Protocols = System.Security.Authentication.SslProtocols.Tls12;
        await using var alice = new Component(options);
        var chosen = new List<string?>();
        alice.StatusChanged += (_, e) => { if (e.Status == ConnectionStatus.AuthNegotiate) chosen.Add(e.Detail); };

        await alice.ConnectAsync(cancellationToken);

        Assert.That(alice.Jid!.Bare.ToString(), Is.EqualTo("alice@localhost"));
        Assert.That(alice.Jid.Resource, Is.Not.Null.And.Not.Empty, "the server generated a resource");
        XElement roster = await alice.RequestAsync(new XElement("iq", new XAttribute("type", "get"), new XElement(Roster)), cancellationToken: cancellationToken);
        Assert.That(roster.Type(), Is.EqualTo("result"));
        await TestWait.UntilAsync(() => chosen.Count == 1, "the AuthNegotiate status");
        Assert.That(chosen, Is.EqualTo(new[] { mechanism }));
    }

    [TestCase("prosody", ConnectionType.Client)]
    [TestCase("ejabberd", ConnectionType.Client)]
    [TestCase("jabberd2", ConnectionType.Client)]
    [TestCase("ejabberd", ConnectionType.Legacy)]
    [TestCase("jabberd2", ConnectionType.Legacy)]
    public async Task AReconnectKeepsTheAddress(string server, ConnectionType type, CancellationToken cancellationToken)
    {
        // A Client login asks for the resource the server gave it; a Legacy login names its own, made once.
        await using var alice = new Component(Servers.Get(server).Client("alice", "alicepw", type));
        await alice.ConnectAsync(cancellationToken);
        Jid first = alice.Jid!;

        await Servers.Get(server).ReconnectAgainAsync(alice, cancellationToken);

        Assert.That(alice.Jid, Is.EqualTo(first), "the same full address after the reconnect");
        XElement roster = await alice.RequestAsync(new XElement("iq", new XAttribute("type", "get"), new XElement(Roster)), cancellationToken: cancellationToken);
        Assert.That(roster.Type(), Is.EqualTo("result"), "the new session works");
    }

    [TestCase("prosody")]
    [TestCase("ejabberd")]
    [TestCase("jabberd2")]
    public async Task AfterAnotherLoginTookItsResourceTheReconnectTakesANewOneAndDoesNotFightForIt(string server, CancellationToken cancellationToken)
    {
        ConnectionOptions options = Servers.Get(server).Client("alice", "alicepw");
        options.Reconnect.Enabled = true;
        options.Reconnect.InitialDelay = TimeSpan.FromMilliseconds(100);
        options.Reconnect.MaxDelay = TimeSpan.FromMilliseconds(200);
        await using var alice = new Component(options);
        var readies = 0;
        alice.StatusChanged += (_, e) => { if (e.Status == ConnectionStatus.Ready) Interlocked.Increment(ref readies); };
        await alice.ConnectAsync(cancellationToken);
        string taken = alice.Jid!.Resource!;

        ConnectionOptions other = Servers.Get(server).Client("alice", "alicepw");
        other.Login.Resource = taken;
        await using var intruder = new Component(other);
        await intruder.ConnectAsync(cancellationToken);
        Assert.That(intruder.Jid!.Resource, Is.EqualTo(taken), "the server gave the resource to the new login");

        await TestWait.UntilAsync(() => Volatile.Read(ref readies) == 2, () => $"alice back by herself ({readies} ready)");
        Assert.That(alice.Jid!.Resource, Is.Not.EqualTo(taken), "the server's choice, not the resource taken from it");
        await Task.Delay(1000, cancellationToken);
        Assert.That(intruder.IsReady, Is.True, "alice did not take it back");
        Assert.That(Volatile.Read(ref readies), Is.EqualTo(2), "one reconnect, no fight");
    }

    [TestCase("prosody", 1)] // Prosody picks one itself instead of refusing
    [TestCase("ejabberd", 2)]
    [TestCase("jabberd2", 2)]
    public async Task AResourceTheServerCannotPrepareIsReplacedByOneItPicks(string server, int bindRequests, CancellationToken cancellationToken)
    {
        ConnectionOptions options = Servers.Get(server).Client("alice", "alicepw");
        options.Login.Resource = "bad\u007Fresource"; // XML carries DEL, resourceprep refuses it
        await using var alice = new Component(options);
        var binds = 0;
        alice.RaiseElementEvents = true;
        var ready = new TaskCompletionSource();
        alice.StatusChanged += (_, e) =>
        {
            if (e.Status == ConnectionStatus.RequestStart && e.Stanza?.Element(XName.Get("bind", "urn:ietf:params:xml:ns:xmpp-bind")) is not null) binds++;
            if (e.Status == ConnectionStatus.Ready) ready.TrySetResult(); // statuses come in order: every bind was counted
        };

        await alice.ConnectAsync(cancellationToken);
        await ready.Task.WaitAsync(cancellationToken);

        Assert.That(alice.Jid!.Bare.ToString(), Is.EqualTo("alice@localhost"));
        Assert.That(alice.Jid.Resource, Is.Not.Null.And.Not.EqualTo("bad\u007Fresource"));
        Assert.That(binds, Is.EqualTo(bindRequests), "the refused resource, then the server's choice");
    }

    [TestCase("prosody", ConnectionType.Client)]
    [TestCase("ejabberd", ConnectionType.Client)]
    [TestCase("jabberd2", ConnectionType.Client)]
    [TestCase("ejabberd", ConnectionType.Legacy)]
    public async Task AcknowledgedDeliveryIsConfirmedThroughTheServer(string server, ConnectionType type, CancellationToken cancellationToken)
    {
        XmppServer xmpp = Servers.Get(server);
        await using var bob = new EchoBot(xmpp.Client("bob", "bobpw"), echo: false);
        ConnectionOptions options = xmpp.Client("alice", "alicepw", type);
        options.Delivery.Acknowledged = true;
        await using var alice = new EchoBot(options, echo: false);
        await bob.ConnectAsync(cancellationToken);
        await alice.ConnectAsync(cancellationToken);

        for (int i = 0; i < 200; i++)
        {
            await alice.SendAsync(new XElement("message", new XAttribute("to", bob.Jid!.ToString()), new XAttribute("type", "chat"), new XElement("body", i)), cancellationToken);
        }
        await TestWait.UntilAsync(() => alice.UnconfirmedCount == 0, $"the server to confirm everything (unconfirmed {alice.UnconfirmedCount})");
        await bob.WaitForAsync(200, TimeSpan.FromSeconds(20));
        Assert.That(bob.Messages.Select(m => (int)m.Element("body")!), Is.EqualTo(Enumerable.Range(0, 200)));
        Assert.That(alice.Messages, Is.Empty, "the barriers, routed back to alice's own resource, stay inside the SDK");
    }

    [TestCase("prosody")]
    [TestCase("ejabberd")]
    [TestCase("jabberd2")]
    public async Task AliceMessagesBobWhoEchoes(string server, CancellationToken cancellationToken)
    {
        XmppServer xmpp = Servers.Get(server);
        await using var bob = new EchoBot(xmpp.Client("bob", "bobpw"));
        await using var alice = new EchoBot(xmpp.Client("alice", "alicepw"), echo: false);
        await bob.ConnectAsync(cancellationToken);
        await alice.ConnectAsync(cancellationToken);

        for (int i = 0; i < 20; i++)
        {
            await alice.SendAsync(new XElement("message", new XAttribute("to", bob.Jid!.ToString()), new XAttribute("type", "chat"), new XAttribute("id", $"c{i}"),
                new XElement("body", $"hello bob {i}")), cancellationToken);
        }
        await alice.WaitForAsync(20, TimeSpan.FromSeconds(20));
        Assert.That(alice.Messages.Select(m => (string?)m.Element("body")), Is.EqualTo(Enumerable.Range(0, 20).Select(i => $"hello bob {i}")));
        Assert.That(alice.Messages.All(m => m.From()!.StartsWith("bob@localhost/", StringComparison.Ordinal)), Is.True);
    }

    [TestCase("prosody", ConnectionType.Client)]
    [TestCase("ejabberd", ConnectionType.Client)]
    [TestCase("jabberd2", ConnectionType.Client)]
    [TestCase("ejabberd", ConnectionType.Legacy)]
    [TestCase("jabberd2", ConnectionType.Legacy)]
    public async Task TheEchoComponentWorksUnchangedAsAUser(string server, ConnectionType type, CancellationToken cancellationToken)
    {
        XmppServer xmpp = Servers.Get(server);
        await using var bob = new Echo.EchoComponent(xmpp.Client("bob", "bobpw", type), Microsoft.Extensions.Logging.Abstractions.NullLogger<Echo.EchoComponent>.Instance);
        await using var alice = new EchoBot(xmpp.Client("alice", "alicepw"), echo: false);
        await bob.ConnectAsync(cancellationToken);
        await alice.ConnectAsync(cancellationToken);

        await alice.SendAsync(new XElement("message", new XAttribute("to", bob.Jid!.ToString()), new XAttribute("type", "chat"), new XAttribute("id", "e1"),
            new XElement("body", "echo me")), cancellationToken);
        await alice.WaitForAsync(1, TimeSpan.FromSeconds(15));
        XElement echo = alice.Messages.Single();
        Assert.That((string?)echo.Element("body"), Is.EqualTo("echo me"));
        Assert.That(echo.Id(), Is.EqualTo("e1"));
        Assert.That(echo.From(), Is.EqualTo(bob.Jid.ToString()));
    }

    [TestCase("prosody")]
    [TestCase("ejabberd")]
    [TestCase("jabberd2")]
    public async Task AWrongPasswordIsATypedErrorWithTheSaslCondition(string server, CancellationToken cancellationToken)
    {
        await using var alice = new Component(Servers.Get(server).Client("alice", "wrong"));
        var error = await Assert.ThrowsAsync<XmppAuthenticationException>(() => alice.ConnectAsync(cancellationToken));
        Assert.That(error!.Condition, Is.EqualTo("not-authorized"), error.Message);
    }

    [TestCase("prosody")]
    [TestCase("ejabberd")]
    [TestCase("jabberd2")]
    public async Task TheSelfSignedCertificateIsRefusedUnlessTrustedExplicitly(string server, CancellationToken cancellationToken)
    {
        ConnectionOptions options = Servers.Get(server).Client("alice", "alicepw");
        options.Tls.TrustedCertificatePath = null;
        await using (var refused = new Component(options))
        {
            var error = await Assert.ThrowsAsync<TlsNegotiationException>(() => refused.ConnectAsync(cancellationToken));
            Assert.That(error!.Message, Does.Contain("certificate was refused"));
        }

        options.Tls.AllowUntrustedCertificates = true;
        await using var accepted = new Component(options);
        await accepted.ConnectAsync(cancellationToken);
        Assert.That(accepted.IsReady, Is.True);
    }

    [TestCase("prosody")]
    [TestCase("ejabberd")]
    [TestCase("jabberd2")]
    public async Task NoSecretReachesTheLogTheTraceOrTheStatusEvents(string server, CancellationToken cancellationToken)
    {
        var logger = new RecordingLogger();
        var events = new System.Collections.Concurrent.ConcurrentQueue<string>();
        ConnectionOptions options = Servers.Get(server).Client("alice", "alicepw");
        options.Debug = true;
        options.Login.SaslMechanisms = ["PLAIN"];
        await using (var alice = new Component(options, logger))
        {
            alice.RaiseElementEvents = true;
            alice.StatusChanged += (_, e) => events.Enqueue($"{e.Status} {e.Detail} {e.Stanza}");
            await alice.ConnectAsync(cancellationToken);
        }
        options.ConnectionType = ConnectionType.Legacy;
        options.Login.PlainText = true;
        await using (var legacy = new Component(options, logger))
        {
            legacy.RaiseElementEvents = true;
            legacy.StatusChanged += (_, e) => events.Enqueue($"{e.Status} {e.Detail} {e.Stanza}");
            await Servers.Get(server).ConnectAgainAsync(legacy, cancellationToken);
        }

        string log = logger.All;
        Assert.That(log, Does.Contain("Sent: <auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>[redacted]</auth>"));
        Assert.That(log, Does.Contain("jabber:iq:auth"));
        string plain = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0alice\0alicepw"));
        Assert.That(log, Does.Not.Contain("alicepw"));
        Assert.That(log, Does.Not.Contain(plain));

        // PCJ's NodeSent carries every element written, the credentials' too: the application gets them redacted.
        string statuses = string.Join("\n", events);
        Assert.That(statuses, Does.Contain("NodeSent  <auth mechanism=\"PLAIN\" xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\">[redacted]</auth>"));
        Assert.That(statuses, Does.Contain("jabber:iq:auth"));
        Assert.That(statuses, Does.Not.Contain("alicepw"));
        Assert.That(statuses, Does.Not.Contain(plain));
    }

    [Test]
    public async Task DirectTlsFromTheFirstByte(CancellationToken cancellationToken)
    {
        ConnectionOptions options = Servers.Prosody.Client("alice", "alicepw");
        options.Port = Servers.ProsodyDirectTlsPort;
        options.Tls.Mode = TlsPolicy.Direct;
        await using var alice = new Component(options);
        var statuses = new List<ConnectionStatus>();
        alice.StatusChanged += (_, e) => statuses.Add(e.Status);
        await alice.ConnectAsync(cancellationToken);
        Assert.That(alice.Jid!.Bare.ToString(), Is.EqualTo("alice@localhost"));
        await TestWait.UntilAsync(() => statuses.Contains(ConnectionStatus.Ready), "Ready");
        Assert.That(statuses, Does.Contain(ConnectionStatus.SslSuccess));
        Assert.That(statuses, Does.Not.Contain(ConnectionStatus.SslNegotiate), "no STARTTLS on a direct TLS connection");
    }

    [Test]
    public async Task AnApplicationCallbackDecidesAboutTheCertificate(CancellationToken cancellationToken)
    {
        ConnectionOptions options = Servers.Ejabberd.Client("alice", "alicepw");
        options.Tls.TrustedCertificatePath = null;
        string? seen = null;
        options.Tls.CertificateValidation = (certificate, _, errors) =>
        {
            seen = certificate.Subject;
            return errors == System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors; // self-signed, right name
        };
        await using var alice = new Component(options);
        await alice.ConnectAsync(cancellationToken);
        Assert.That(seen, Is.EqualTo("CN=localhost"));

        options.Tls.CertificateValidation = (_, _, _) => false;
        await using var refused = new Component(options);
        var error = await Assert.ThrowsAsync<TlsNegotiationException>(() => refused.ConnectAsync(cancellationToken));
        Assert.That(error!.Message, Does.Contain("the application's certificate check refused it"));
    }

    public static IEnumerable<TestCaseData> LegacyLogins()
    {
        // Prosody's mod_legacyauth takes the password only; ejabberd and jabberd2 take a digest too.
        yield return new TestCaseData("prosody", true, "1.0");
        yield return new TestCaseData("ejabberd", false, "1.0");
        yield return new TestCaseData("ejabberd", true, "1.0");
        yield return new TestCaseData("jabberd2", false, "1.0");
        yield return new TestCaseData("jabberd2", true, "1.0");
        yield return new TestCaseData("ejabberd", false, "0.9");
    }

    [TestCaseSource(nameof(LegacyLogins))]
    public async Task LegacyLoginWithDigestOrPlaintext(string server, bool plainText, string version, CancellationToken cancellationToken)
    {
        ConnectionOptions options = Servers.Get(server).Client("alice", "alicepw", ConnectionType.Legacy);
        options.Login.PlainText = plainText;
        options.Version = version;
        var digestSent = false;
        await using var alice = new Component(options);
        alice.RaiseElementEvents = true;
        alice.StatusChanged += (_, e) => { if (e.Status == ConnectionStatus.NodeSent && e.Stanza?.Descendants(XName.Get("digest", "jabber:iq:auth")).Any() == true) digestSent = true; };

        await alice.ConnectAsync(cancellationToken);

        Assert.That(alice.Jid!.ToString(), Is.EqualTo("alice@localhost/" + alice.Resource));
        XElement roster = await alice.RequestAsync(new XElement("iq", new XAttribute("type", "get"), new XElement(Roster)), cancellationToken: cancellationToken);
        Assert.That(roster.Type(), Is.EqualTo("result"));
        await Task.Delay(100, cancellationToken);
        Assert.That(digestSent, Is.EqualTo(!plainText || server != "prosody"), "the digest is used whenever the server accepts it");
    }

    [Test]
    public async Task ProsodyRefusesALegacyDigestLoginWithAClearMessage(CancellationToken cancellationToken)
    {
        await using var alice = new Component(Servers.Prosody.Client("alice", "alicepw", ConnectionType.Legacy));
        var error = await Assert.ThrowsAsync<XmppAuthenticationException>(() => alice.ConnectAsync(cancellationToken));
        Assert.That(error!.Message, Does.Contain("PlainText"));
    }

    [Test]
    public async Task AWrongLegacyPasswordIsNotAuthorized(CancellationToken cancellationToken)
    {
        ConnectionOptions options = Servers.Jabberd2.Client("alice", "wrong", ConnectionType.Legacy);
        await using var alice = new Component(options);
        // Once more after jabberd2's late internal-server-error for a descriptor reused from an earlier session (seen in CI).
        var error = await Assert.ThrowsAsync<XmppAuthenticationException>(() => Servers.Jabberd2.ConnectAgainAsync(alice, cancellationToken));
        Assert.That(error!.Condition, Is.EqualTo("not-authorized"));
    }
}
