using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.IntegrationTests;

/// <summary>TLS where it is asked for: XEP-0114 over TLS (ejabberd's tls: true), and channel binding by TLS version.</summary>
[NonParallelizable]
[CancelAfter(90_000)]
public class TlsTests
{
    [Test]
    public async Task AComponentConnectsOverDirectTlsWithTheCertificateCheckedAndNotWithoutIt(CancellationToken cancellationToken)
    {
        XmppServer server = XmppServer.Start("ejabberd", 26822, 26947, new Dictionary<string, string> { ["EJABBERD_COMPONENT_TLS"] = "1" }, instance: "-tls");
        try
        {
            ConnectionOptions options = server.Component("echo.localhost", "secret");
            options.Tls.Mode = TlsPolicy.Direct;
            options.Tls.TrustedCertificatePath = server.Certificate;
            options.Tls.ServerName = "localhost";
            await using var echo = new Peer(options, echo: true);
            var statuses = new List<ConnectionStatusEventArgs>();
            echo.StatusChanged += (_, e) => { lock (statuses) statuses.Add(e); };
            await echo.ConnectAsync(cancellationToken);
            await TestWait.UntilAsync(() => { lock (statuses) return statuses.Any(s => s.Status == ConnectionStatus.Ready); }, "Ready");
            lock (statuses) Assert.That(statuses.Single(s => s.Status == ConnectionStatus.SslSuccess).Detail, Does.StartWith("Tls1"));

            await using var bob = new EchoBot(server.Client("bob", "bobpw"), echo: false);
            await bob.ConnectAsync(cancellationToken);
            await bob.SendAsync(new XElement("message", new XAttribute("to", "bot@echo.localhost"), new XAttribute("type", "chat"), new XElement("body", "over tls")), cancellationToken);
            await bob.WaitForAsync(1, TimeSpan.FromSeconds(15));
            Assert.That(bob.Messages.Single().Element("body")!.Value, Is.EqualTo("over tls"));

            // Without trusting the self-signed certificate the connection is refused before the secret is used.
            ConnectionOptions untrusting = server.Component("echo2.localhost", "secret2");
            untrusting.Tls.Mode = TlsPolicy.Direct;
            untrusting.Tls.ServerName = "localhost";
            await using var refused = new Component(untrusting);
            var error = await Assert.ThrowsAsync<TlsNegotiationException>(() => refused.ConnectAsync(cancellationToken));
            Assert.That(error!.Message, Does.Contain("certificate was refused"));
        }
        finally
        {
            server.Stop(keepLogs: TestContext.CurrentContext.Result.FailCount > 0);
        }
    }

    [Test]
    public async Task ChannelBindingNeverUsesTlsUniqueUnderTls13(CancellationToken cancellationToken)
    {
        // ejabberd offers SCRAM-*-PLUS without XEP-0440: only tls-unique, which RFC 9266 leaves undefined under TLS 1.3.
        ConnectionOptions tls13 = Servers.Ejabberd.Client("alice", "alicepw");
        await using var modern = new Component(tls13);
        string? mechanism13 = null;
        modern.StatusChanged += (_, e) => { if (e.Status == ConnectionStatus.AuthNegotiate) mechanism13 = e.Detail; };
        await modern.ConnectAsync(cancellationToken);
        await TestWait.UntilAsync(() => mechanism13 is not null, "AuthNegotiate");
        Assert.That(mechanism13, Is.EqualTo("SCRAM-SHA-512"), "no -PLUS under TLS 1.3, and the login works with the 'n' flag");

        ConnectionOptions plusOnly = Servers.Ejabberd.Client("alice", "alicepw");
        plusOnly.Login.SaslMechanisms = ["SCRAM-SHA-512-PLUS"];
        await using var refused = new Component(plusOnly);
        var error = await Assert.ThrowsAsync<XmppAuthenticationException>(() => refused.ConnectAsync(cancellationToken));
        Assert.That(error!.Message, Does.Contain("no channel binding type in common"));

        ConnectionOptions tls12 = Servers.Ejabberd.Client("alice", "alicepw");
        tls12.Tls.Protocols = System.Security.Authentication.SslProtocols.Tls12;
        await using var older = new Component(tls12);
        string? mechanism12 = null;
        older.StatusChanged += (_, e) => { if (e.Status == ConnectionStatus.AuthNegotiate) mechanism12 = e.Detail; };
        await older.ConnectAsync(cancellationToken);
        await TestWait.UntilAsync(() => mechanism12 is not null, "AuthNegotiate");
        Assert.That(mechanism12, Is.EqualTo("SCRAM-SHA-512-PLUS"), "tls-unique under TLS 1.2");
    }
}
