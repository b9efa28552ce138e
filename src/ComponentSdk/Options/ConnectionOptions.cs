using System.Globalization;
using ComponentSdk.Xml;

namespace ComponentSdk;

/// <summary>
/// Everything a connection needs. The essentials are at the top level (with PCJ's names); the rest is grouped:
/// <see cref="Login"/>, <see cref="Tls"/>, <see cref="Delivery"/>, <see cref="Limits"/>, <see cref="Liveness"/>,
/// <see cref="Reconnect"/>, <see cref="Jabberd2"/>. Bind it from the configuration section <see cref="SectionName"/>
/// (<c>--Component:Host=...</c>, <c>--Component:Tls:Mode=Direct</c>, <c>Component__Host=...</c>, appsettings.json).
/// <see cref="Validate"/> runs before any I/O.
/// </summary>
public sealed class ConnectionOptions
{
    /// <summary>The configuration section these options are read from: <c>Component</c>.</summary>
    public const string SectionName = "Component";

    /// <summary>The dialect. Defaults to <see cref="ConnectionType.Accept"/>.</summary>
    public ConnectionType ConnectionType { get; set; } = ConnectionType.Accept;

    /// <summary>
    /// The server's address: an IP address or a host name (PCJ's <c>IP</c>). Required for components; a Client or
    /// Legacy login without it finds the server of its domain through DNS (see <see cref="Dns"/>).
    /// </summary>
    public string Host { get; set; } = "";

    /// <summary>
    /// The server's port, for example 5347 for components, 5222 for clients. Without a <see cref="Host"/>, the port
    /// tried at the domain itself when it has no SRV records (default 5222).
    /// </summary>
    public int Port { get; set; }

    /// <summary>
    /// The domain: the stream's <c>to</c>. For <see cref="ConnectionType.Accept"/> it is the component's own domain
    /// (<c>echo.example.org</c>); for clients and jabberd2 it is the server's domain.
    /// </summary>
    public string Hostname { get; set; } = "";

    /// <summary>The password, or the XEP-0114 shared secret. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// A name for this connection in logs, metrics and disco#info (PCJ's <c>Alias</c>). Defaults to what tells the
    /// connection apart: the component's domain (Accept), <c>Username@Hostname</c> (Client, Legacy), or the bound
    /// names (Jabberd2).
    /// </summary>
    public string? Alias { get; set; }

    /// <summary>The stream's <c>version</c>. Defaults: 1.0, except 0.9 for Accept (PCJ's).</summary>
    public string? Version { get; set; }

    /// <summary>The stream's default namespace. Defaults: <c>jabber:client</c>, <c>jabber:component:accept</c>, or the jabberd2 namespace.</summary>
    public string? Xmlns { get; set; }

    /// <summary>The namespace of the <c>stream:</c> prefix (PCJ's <c>Stream</c>). Defaults to <c>http://etherx.jabber.org/streams</c>.</summary>
    public string? StreamXmlns { get; set; }

    /// <summary>
    /// Writes every element sent and received to the component's log at Information (event ids 100 and 101), secrets
    /// redacted. Without it the same trace is written at Trace level whenever the logger has Trace enabled.
    /// </summary>
    public bool Debug { get; set; }

    /// <summary>How long <c>RequestAsync</c> waits for a reply unless told otherwise. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for the TCP connection. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the server may take to complete the negotiation (handshake, TLS, SASL, bind). Default 30 s.</summary>
    public TimeSpan NegotiationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long <c>ShutdownAsync</c> waits for the server to close its stream, and <c>DisposeAsync</c> for the handlers to
    /// finish what was received before it cancels them. Default 5 s.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs handlers, filters and status events on the connection's network thread (the event loop) instead of the
    /// thread pool. A stanza then goes from the socket to the handler and its reply back to the socket without a
    /// thread switch, which cuts the round trip and the CPU per stanza to less than half; but a handler that blocks
    /// (a synchronous wait, a long computation) stalls reading, writing and keepalives of every connection sharing that
    /// thread until it returns. For handlers that only await. Order and backpressure are the same either way. Default false.
    /// </summary>
    public bool RunHandlersOnEventLoop { get; set; }

    /// <summary>
    /// How the socket is read: <see cref="TransportMode.Shared"/> (the default, DotNetty's channel on event loops
    /// shared by the process) or <see cref="TransportMode.Dedicated"/> (a reader thread per connection: the lowest
    /// latency for a few busy connections).
    /// </summary>
    public TransportMode Transport { get; set; }

    /// <summary>Logging in as a user or router user: Client, Legacy, Jabberd2.</summary>
    public LoginOptions Login { get; set; } = new();

    /// <summary>When TLS is used and which certificates are trusted.</summary>
    public TlsOptions Tls { get; set; } = new();

    /// <summary>The outgoing queue, acknowledged delivery, duplicates.</summary>
    public DeliveryOptions Delivery { get; set; } = new();

    /// <summary>Bounds on memory and on what the server may send.</summary>
    public LimitOptions Limits { get; set; } = new();

    /// <summary>Keepalives and pings.</summary>
    public LivenessOptions Liveness { get; set; } = new();

    /// <summary>Automatic reconnection after the connection is lost.</summary>
    public ReconnectOptions Reconnect { get; set; } = new();

    /// <summary>The jabberd2 router protocol: the names to bind.</summary>
    public Jabberd2Options Jabberd2 { get; set; } = new();

    /// <summary>Finding the server through DNS, and trying its addresses.</summary>
    public DnsOptions Dns { get; set; } = new();

    /// <summary>XEP-0198 stream management for Client logins: acks both ways, and resuming a lost session.</summary>
    public StreamManagementOptions StreamManagement { get; set; } = new();

    /// <summary>The name used in logs and metrics: <see cref="Alias"/>, or its default.</summary>
    public string DisplayName => !string.IsNullOrEmpty(Alias) ? Alias : ConnectionType switch
    {
        ConnectionType.Client or ConnectionType.Legacy => $"{Login.Username}@{Hostname}",
        ConnectionType.Jabberd2 => string.Join(",", Jabberd2.NamesFor(Login.Username, Hostname)),
        _ => Hostname,
    };

    /// <summary>Every problem with these options, one sentence each naming the option; empty when they are usable.</summary>
    public IReadOnlyList<string> GetFailures()
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(Transport)) failures.Add("Transport must be Shared or Dedicated.");
        if (!Enum.IsDefined(ConnectionType)) failures.Add($"ConnectionType {(int)ConnectionType} is not one of Client, Legacy, Accept, Jabberd2.");
        bool findsServer = string.IsNullOrWhiteSpace(Host) && ConnectionType is ConnectionType.Client or ConnectionType.Legacy;
        if (string.IsNullOrWhiteSpace(Host))
        {
            if (!findsServer) failures.Add("Host is required: the server's IP address or host name (only Client and Legacy logins find their server through DNS).");
        }
        else if (Uri.CheckHostName(Host) == UriHostNameType.Unknown) failures.Add($"Host '{Host}' is not an IP address or host name.");
        if (Port is < 0 or > 65535 || (Port == 0 && !findsServer))
            failures.Add(Port == 0 ? "Port is required (1-65535)." : $"Port must be between 1 and 65535, not {Port.ToString(CultureInfo.InvariantCulture)}.");
        if (string.IsNullOrWhiteSpace(Hostname)) failures.Add("Hostname is required: the domain the stream is addressed to.");
        else if (!Jid.TryParse(Hostname, out Jid? domain) || domain.Local is not null || domain.Resource is not null) failures.Add($"Hostname '{Hostname}' is not a domain.");
        if (string.IsNullOrEmpty(Password)) failures.Add(ConnectionType == ConnectionType.Accept ? "Password is required: the component's shared secret." : "Password is required.");
        if (Xmlns is { Length: 0 }) failures.Add("Xmlns must not be empty when set.");
        if (StreamXmlns is { Length: 0 }) failures.Add("StreamXmlns must not be empty when set.");
        AddIfNotPositive(failures, RequestTimeout, nameof(RequestTimeout));
        AddIfNotPositive(failures, ConnectTimeout, nameof(ConnectTimeout));
        AddIfNotPositive(failures, NegotiationTimeout, nameof(NegotiationTimeout));
        AddIfNotPositive(failures, ShutdownTimeout, nameof(ShutdownTimeout));
        Login.AddFailures(ConnectionType, failures);
        Tls.AddFailures(ConnectionType, failures);
        Delivery.AddFailures(failures);
        Limits.AddFailures(failures);
        Liveness.AddFailures(failures);
        Reconnect.AddFailures(failures);
        Dns.AddFailures(failures);
        StreamManagement.AddFailures(failures);
        if (ConnectionType == ConnectionType.Jabberd2) Jabberd2.AddFailures(Login.Username, Hostname, failures);
        return failures;
    }

    /// <summary>Throws <see cref="InvalidConnectionOptionsException"/> listing every problem.</summary>
    public void Validate()
    {
        IReadOnlyList<string> failures = GetFailures();
        if (failures.Count > 0) throw new InvalidConnectionOptionsException(failures);
    }

    /// <summary>A copy, so that a running connection is not affected by later changes.</summary>
    public ConnectionOptions Clone()
    {
        var copy = (ConnectionOptions)MemberwiseClone();
        copy.Login = Login.Clone();
        copy.Tls = Tls.Clone();
        copy.Delivery = Delivery.Clone();
        copy.Limits = Limits.Clone();
        copy.Liveness = Liveness.Clone();
        copy.Reconnect = Reconnect.Clone();
        copy.Jabberd2 = Jabberd2.Clone();
        copy.Dns = Dns.Clone();
        copy.StreamManagement = StreamManagement.Clone();
        return copy;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{ConnectionType.ToDisplayName()} {Hostname} via " + (string.IsNullOrWhiteSpace(Host) ? "DNS" : $"{Host}:{Port}") + (Login.Username is null ? "" : $" as {Login.Username}") + " (password redacted)";

    private static void AddIfNotPositive(List<string> failures, TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero) failures.Add($"{name} must be positive.");
    }
}
