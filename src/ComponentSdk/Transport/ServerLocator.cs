using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;

namespace ComponentSdk.Transport;

/// <summary>
/// Where a connection goes. The configured host when there is one; otherwise, for a Client or Legacy login, the
/// domain's SRV targets (<c>_xmpps-client._tcp</c> with direct TLS, XEP-0368, then <c>_xmpp-client._tcp</c>, each in
/// RFC 2782 order: by priority, then at random by weight), then the domain itself (RFC 6120 §3.2). Also resolves a
/// target's addresses, IPv6 and IPv4 interleaved (RFC 8305 §4).
/// </summary>
internal sealed class ServerLocator(ConnectionOptions options)
{
    /// <summary>The port tried at the domain itself when it has no SRV records and no port is configured.</summary>
    public const int DefaultClientPort = 5222;

    private LookupClient? dns;

    /// <summary>The places to try, in order, for <paramref name="host"/> (empty: find the domain's server) and <paramref name="port"/>.</summary>
    public async Task<IReadOnlyList<ServerTarget>> TargetsAsync(string host, int port, CancellationToken cancellationToken)
    {
        TlsPolicy policy = options.TlsMode();
        if (!string.IsNullOrWhiteSpace(host)) return [new ServerTarget(host, port, policy == TlsPolicy.Direct)];

        string domain = options.Hostname;
        var targets = new List<ServerTarget>();
        bool unavailable = false;
        if (policy != TlsPolicy.Disabled) targets.AddRange(await ServiceAsync($"_xmpps-client._tcp.{domain}.", true, cancellationToken).ConfigureAwait(false) ?? []);
        if (policy != TlsPolicy.Direct)
        {
            IReadOnlyList<ServerTarget>? plain = await ServiceAsync($"_xmpp-client._tcp.{domain}.", false, cancellationToken).ConfigureAwait(false);
            if (plain is null) unavailable = true;
            else targets.AddRange(plain);
        }
        if (targets.Count > 0) return targets;
        if (unavailable) throw new SocketException((int)SocketError.HostNotFound, $"The SRV record of {domain} says it has no XMPP service ('.').");
        return [new ServerTarget(domain, port == 0 ? DefaultClientPort : port, policy == TlsPolicy.Direct)];
    }

    /// <summary>Every address of <paramref name="host"/>, IPv6 and IPv4 taking turns, IPv6 first.</summary>
    public async Task<IReadOnlyList<IPAddress>> AddressesAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out IPAddress? literal)) return [literal];
        IPAddress[] found;
        if (options.Dns.Servers.Count == 0)
        {
            found = await System.Net.Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            LookupClient client = Client();
            IDnsQueryResponse v6 = await client.QueryAsync(host, QueryType.AAAA, QueryClass.IN, cancellationToken).ConfigureAwait(false);
            IDnsQueryResponse v4 = await client.QueryAsync(host, QueryType.A, QueryClass.IN, cancellationToken).ConfigureAwait(false);
            found = [.. v6.Answers.AaaaRecords().Select(r => r.Address), .. v4.Answers.ARecords().Select(r => r.Address)];
        }
        if (found.Length == 0) throw new SocketException((int)SocketError.HostNotFound, $"{host} has no address.");
        return Interleave(found);
    }

    /// <summary>IPv6 first, then the families take turns (RFC 8305 §4).</summary>
    internal static IReadOnlyList<IPAddress> Interleave(IReadOnlyList<IPAddress> addresses)
    {
        var v6 = new Queue<IPAddress>(addresses.Where(a => a.AddressFamily == AddressFamily.InterNetworkV6));
        var v4 = new Queue<IPAddress>(addresses.Where(a => a.AddressFamily != AddressFamily.InterNetworkV6));
        var result = new List<IPAddress>(addresses.Count);
        while (v6.Count > 0 || v4.Count > 0)
        {
            if (v6.TryDequeue(out IPAddress? six)) result.Add(six);
            if (v4.TryDequeue(out IPAddress? four)) result.Add(four);
        }
        return result;
    }

    /// <summary>RFC 2782: by priority, lowest first; within one priority, at random, each record's chance its weight.</summary>
    internal static IReadOnlyList<SrvRecord> Order(IEnumerable<SrvRecord> records, Random random)
    {
        var ordered = new List<SrvRecord>();
        foreach (IGrouping<ushort, SrvRecord> priority in records.GroupBy(r => r.Priority).OrderBy(g => g.Key))
        {
            // Weight 0 first, as RFC 2782 asks, so that they have a small chance of coming first.
            var left = priority.OrderBy(r => r.Weight == 0 ? 0 : 1).ToList();
            while (left.Count > 0)
            {
                int total = left.Sum(r => r.Weight);
                int pick = random.Next(total + 1);
                int running = 0;
                int chosen = left.Count - 1;
                for (int i = 0; i < left.Count; i++)
                {
                    running += left[i].Weight;
                    if (running >= pick)
                    {
                        chosen = i;
                        break;
                    }
                }
                ordered.Add(left[chosen]);
                left.RemoveAt(chosen);
            }
        }
        return ordered;
    }

    /// <summary>The targets of one SRV name; empty when it has none; null when it says the service is not offered.</summary>
    private async Task<IReadOnlyList<ServerTarget>?> ServiceAsync(string name, bool directTls, CancellationToken cancellationToken)
    {
        IDnsQueryResponse response;
        try
        {
            response = await Client().QueryAsync(name, QueryType.SRV, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        }
        catch (DnsResponseException)
        {
            return []; // no answer from DNS: the domain itself is tried (RFC 6120 §3.2.2)
        }
        var records = response.Answers.SrvRecords().ToList();
        if (records is [{ Target.Value: "." }]) return null;
        return [.. Order(records, Random.Shared).Select(r => new ServerTarget(r.Target.Value.TrimEnd('.'), r.Port, directTls))];
    }

    private LookupClient Client()
    {
        if (dns is not null) return dns;
        IReadOnlyList<IPEndPoint> servers = options.Dns.ServerEndpoints();
        var lookup = servers.Count > 0 ? new LookupClientOptions([.. servers]) : new LookupClientOptions();
        lookup.Timeout = options.Dns.QueryTimeout;
        lookup.Retries = 1;
        lookup.UseCache = true;
        lookup.ThrowDnsErrors = false;
        return dns = new LookupClient(lookup);
    }
}
