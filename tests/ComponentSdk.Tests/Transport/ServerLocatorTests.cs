using System.Net;
using ComponentSdk.Transport;
using DnsClient;
using DnsClient.Protocol;

namespace ComponentSdk.Tests.Transport;

[CancelAfter(10_000)]
public class ServerLocatorTests
{
    private static SrvRecord Srv(string target, ushort priority, ushort weight) =>
        new(new ResourceRecordInfo(DnsString.Parse("_xmpp-client._tcp.example.test."), ResourceRecordType.SRV, QueryClass.IN, 60, 0),
            priority, weight, 5222, DnsString.Parse(target));

    [Test]
    public void SrvTargetsGoByPriorityThenByWeight()
    {
        SrvRecord[] records = [Srv("c.test.", 20, 0), Srv("heavy.test.", 10, 90), Srv("light.test.", 10, 10), Srv("d.test.", 30, 5)];
        var firstOfPriority10 = new Dictionary<string, int>();
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            IReadOnlyList<SrvRecord> ordered = ServerLocator.Order(records, random);
            Assert.That(ordered.Select(r => r.Priority), Is.Ordered, "lower priority first");
            Assert.That(ordered.Skip(2).Select(r => r.Target.Value), Is.EqualTo(new[] { "c.test.", "d.test." }));
            string first = ordered[0].Target.Value;
            firstOfPriority10[first] = firstOfPriority10.GetValueOrDefault(first) + 1;
        }
        // Weights 90 and 10: the heavy target first about nine times in ten.
        Assert.That(firstOfPriority10["heavy.test."], Is.InRange(1650, 1950));
        Assert.That(firstOfPriority10["light.test."], Is.InRange(50, 350));
    }

    [Test]
    public void AddressesAlternateFamiliesIpv6First()
    {
        IPAddress[] found = [IPAddress.Parse("127.0.0.1"), IPAddress.Parse("127.0.0.2"), IPAddress.Parse("127.0.0.3"), IPAddress.IPv6Loopback];
        Assert.That(ServerLocator.Interleave(found).Select(a => a.ToString()), Is.EqualTo(new[] { "::1", "127.0.0.1", "127.0.0.2", "127.0.0.3" }));
    }

    [Test]
    public async Task AConfiguredHostIsUsedAsItIsWithoutAskingDns(CancellationToken cancellationToken)
    {
        var options = new ConnectionOptions { ConnectionType = ConnectionType.Client, Hostname = "example.test", Tls = { Mode = TlsPolicy.Direct } };
        var locator = new ServerLocator(options);
        IReadOnlyList<ServerTarget> targets = await locator.TargetsAsync("127.0.0.1", 5223, cancellationToken);
        Assert.That(targets, Is.EqualTo(new[] { new ServerTarget("127.0.0.1", 5223, DirectTls: true) }));
        Assert.That(await locator.AddressesAsync("::1", cancellationToken), Is.EqualTo(new[] { IPAddress.IPv6Loopback }), "a literal is its own address");
    }

    [Test]
    public void HostIsOptionalOnlyForLoginsThatCanFindTheirServer()
    {
        var client = new ConnectionOptions { ConnectionType = ConnectionType.Client, Hostname = "example.test", Login = { Username = "a" }, Password = "p" };
        Assert.That(client.GetFailures(), Is.Empty, "a Client login without Host or Port finds its server through DNS");
        var component = new ConnectionOptions { Hostname = "echo.example.test", Password = "p" };
        Assert.That(component.GetFailures(), Has.Some.StartsWith("Host is required"));
        Assert.That(component.GetFailures(), Has.Some.StartsWith("Port is required"));
        client.Dns.Servers = ["127.0.0.1:15353", "::1", "dns.example.test"];
        Assert.That(client.GetFailures(), Is.EqualTo(new[] { "Dns:Servers: 'dns.example.test' is not an IP address or IP address:port." }));
    }
}
