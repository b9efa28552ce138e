using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ComponentSdk.IntegrationTests;

/// <summary>
/// Finding the server through DNS, against a real DNS server: dnsmasq (tests/servers/dnsmasq) answers only from the
/// records each test gives it, and the login goes to Prosody for the domain <c>localhost</c>.
/// </summary>
[NonParallelizable]
[CancelAfter(60_000)]
public class DnsTests
{
    private const int DnsPort = 25353;

    private static XmppServer StartDns(string name, params string[] records)
    {
        string file = Path.Combine(Path.GetTempPath(), $"componentsdk-it-dns-{name}-{Environment.ProcessId}.conf");
        File.WriteAllLines(file, records);
        return XmppServer.Start("dnsmasq", 0, 0, new Dictionary<string, string> { ["DNS_PORT"] = DnsPort.ToString(), ["DNSMASQ_RECORDS"] = file }, $"-{name}");
    }

    /// <summary>Alice on Prosody with no Host: the server is whatever DNS says.</summary>
    private static ConnectionOptions AliceThroughDns()
    {
        ConnectionOptions options = Servers.Prosody.Client("alice", "alicepw");
        options.Host = "";
        options.Port = 0;
        options.Dns.Servers = [$"127.0.0.1:{DnsPort}"];
        return options;
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port; // closed again: nothing listens there
    }

    [Test]
    public async Task TheSrvRecordLeadsToTheServer(CancellationToken cancellationToken)
    {
        XmppServer dns = StartDns("srv",
            $"srv-host=_xmpp-client._tcp.localhost,xmpp1.test,{Servers.Prosody.ClientPort},10,0", "host-record=xmpp1.test,127.0.0.1");
        try
        {
            var connected = new List<string?>();
            await using var alice = new Component(AliceThroughDns());
            alice.StatusChanged += (_, e) => { if (e.Status == ConnectionStatus.Connected) connected.Add(e.Detail); };
            await alice.ConnectAsync(cancellationToken);
            Assert.That(alice.IsReady, Is.True);
            Assert.That(connected, Has.Some.Contains($"127.0.0.1:{Servers.Prosody.ClientPort}"), "the port came from the SRV record");
        }
        finally
        {
            dns.Stop();
        }
    }

    [Test]
    public async Task ADeadFirstTargetFallsOverToTheNext(CancellationToken cancellationToken)
    {
        int dead = FreePort();
        XmppServer dns = StartDns("fallover",
            $"srv-host=_xmpp-client._tcp.localhost,dead.test,{dead},10,0",
            $"srv-host=_xmpp-client._tcp.localhost,xmpp1.test,{Servers.Prosody.ClientPort},20,0",
            "host-record=dead.test,127.0.0.1", "host-record=xmpp1.test,127.0.0.1");
        try
        {
            var logger = new RecordingLogger();
            await using var alice = new Component(AliceThroughDns(), logger);
            await alice.ConnectAsync(cancellationToken);
            Assert.That(alice.IsReady, Is.True);
            Assert.That(logger.All, Does.Contain($"dead.test:{dead}, xmpp1.test:{Servers.Prosody.ClientPort}"), "priority 10 first, then 20");
            Assert.That(logger.All, Does.Contain($"could not connect to 127.0.0.1:{dead}"), "the dead target was tried first");
        }
        finally
        {
            dns.Stop();
        }
    }

    [Test]
    public async Task AnAddressThatNeverAnswersDoesNotHoldUpTheNextOne(CancellationToken cancellationToken)
    {
        // No SRV records: the domain itself, whose AAAA (::1, where the server does not listen) is tried first, then an
        // IPv4 address whose listener never accepts (its queue is full, so connects hang), then the server.
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.3"), Servers.Prosody.ClientPort));
        silent.Listen(0);
        using var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await filler.ConnectAsync(silent.LocalEndPoint!, cancellationToken); // takes the only place in the queue
        XmppServer dns = StartDns("dual", "host-record=localhost,127.0.0.3,127.0.0.1,::1");
        try
        {
            var logger = new RecordingLogger();
            ConnectionOptions options = AliceThroughDns();
            options.Port = Servers.Prosody.ClientPort;
            options.ConnectTimeout = TimeSpan.FromSeconds(20);
            await using var alice = new Component(options, logger);
            var clock = Stopwatch.StartNew();
            await alice.ConnectAsync(cancellationToken);
            Assert.That(alice.IsReady, Is.True);
            Assert.That(logger.All, Does.Contain($"could not connect to [::1]:{Servers.Prosody.ClientPort}"), "IPv6 first");
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)),
                "the silent address got its 250 ms, then the next one started beside it, long before the 20 s connect timeout");
        }
        finally
        {
            dns.Stop();
        }
    }

    [Test]
    public async Task AnXmppsClientTargetIsReachedWithTlsFromTheFirstByte(CancellationToken cancellationToken)
    {
        XmppServer dns = StartDns("xmpps",
            $"srv-host=_xmpps-client._tcp.localhost,xmpp1.test,{Servers.ProsodyDirectTlsPort},10,0",
            $"srv-host=_xmpp-client._tcp.localhost,xmpp1.test,{Servers.Prosody.ClientPort},10,0", "host-record=xmpp1.test,127.0.0.1");
        try
        {
            var statuses = new List<ConnectionStatus>();
            var connected = new List<string?>();
            await using var alice = new Component(AliceThroughDns());
            alice.StatusChanged += (_, e) =>
            {
                statuses.Add(e.Status);
                if (e.Status == ConnectionStatus.Connected) connected.Add(e.Detail);
            };
            await alice.ConnectAsync(cancellationToken);
            Assert.That(alice.IsReady, Is.True);
            Assert.That(connected, Has.Some.Contains($":{Servers.ProsodyDirectTlsPort}"), "xmpps-client comes first");
            Assert.That(statuses, Does.Not.Contain(ConnectionStatus.SslNegotiate), "no STARTTLS: TLS from the first byte");
        }
        finally
        {
            dns.Stop();
        }
    }

    [Test]
    public async Task ANameWithoutAnyAddressFailsWithAMessageThatSaysWhatWasTried(CancellationToken cancellationToken)
    {
        XmppServer dns = StartDns("none", $"srv-host=_xmpp-client._tcp.localhost,nowhere.test,{Servers.Prosody.ClientPort},10,0");
        try
        {
            ConnectionOptions options = AliceThroughDns();
            options.Reconnect.Enabled = false;
            await using var alice = new Component(options);
            ConnectionFailedException? error = await Assert.ThrowsAsync<ConnectionFailedException>(() => alice.ConnectAsync(cancellationToken));
            Assert.That(error!.Message, Does.Contain("nowhere.test"));
        }
        finally
        {
            dns.Stop();
        }
    }
}
