using System.Globalization;
using System.Net;

namespace ComponentSdk;

/// <summary>
/// Finding the server (configuration section <c>Component:Dns</c>). A Client or Legacy login without a
/// <see cref="ConnectionOptions.Host"/> looks up the domain's DNS SRV records (<c>_xmpps-client._tcp</c> for direct
/// TLS, XEP-0368, then <c>_xmpp-client._tcp</c>, RFC 6120 §3.2), then falls back to the domain itself. Every address
/// of a name is tried, IPv6 and IPv4 in turn, a new attempt starting while an earlier one is still pending
/// (RFC 8305).
/// </summary>
public sealed class DnsOptions
{
    /// <summary>
    /// The DNS servers asked for SRV records (and, when set, for addresses), as <c>address</c> or
    /// <c>address:port</c>; empty (the default) uses the system's resolvers, and the system resolves addresses (the
    /// hosts file included).
    /// </summary>
    public IList<string> Servers { get; set; } = [];

    /// <summary>How long one DNS query may take. Default 5 s.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a connection attempt to one address runs alone before the next address is tried as well (RFC 8305's
    /// connection attempt delay). Default 250 ms; each attempt still ends after <see cref="ConnectionOptions.ConnectTimeout"/>.
    /// </summary>
    public TimeSpan AttemptDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    internal DnsOptions Clone()
    {
        var copy = (DnsOptions)MemberwiseClone();
        copy.Servers = [.. Servers];
        return copy;
    }

    /// <summary>The configured servers as endpoints (port 53 unless given); throws <see cref="FormatException"/> on a bad one.</summary>
    internal IReadOnlyList<IPEndPoint> ServerEndpoints() => [.. Servers.Select(ParseServer)];

    internal void AddFailures(List<string> failures)
    {
        foreach (string server in Servers)
        {
            try
            {
                ParseServer(server);
            }
            catch (FormatException)
            {
                failures.Add($"Dns:Servers: '{server}' is not an IP address or IP address:port.");
            }
        }
        if (QueryTimeout <= TimeSpan.Zero) failures.Add("Dns:QueryTimeout must be positive.");
        if (AttemptDelay < TimeSpan.Zero) failures.Add("Dns:AttemptDelay must not be negative.");
    }

    private static IPEndPoint ParseServer(string server)
    {
        if (IPAddress.TryParse(server, out IPAddress? address)) return new IPEndPoint(address, 53);
        if (IPEndPoint.TryParse(server, out IPEndPoint? endpoint) && endpoint.Port != 0) return endpoint;
        throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"'{server}' is not an IP address or IP address:port."));
    }
}
