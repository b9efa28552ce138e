using System.Globalization;
using ComponentSdk.Xml;

namespace ComponentSdk;

/// <summary>
/// Everything a connection needs, with PCJ's argument names. Bind it from the configuration section
/// <see cref="SectionName"/> (<c>--Component:Host=...</c>, <c>Component__Host=...</c>, appsettings.json).
/// <see cref="Validate"/> runs before any I/O.
/// </summary>
public sealed class ConnectionOptions
{
    /// <summary>The configuration section these options are read from: <c>Component</c>.</summary>
    public const string SectionName = "Component";

    /// <summary>The server's address: an IP address or a host name (PCJ's <c>IP</c>).</summary>
    public string Host { get; set; } = "";

    /// <summary>The server's port, for example 5347 for components, 5222 for clients.</summary>
    public int Port { get; set; }

    /// <summary>
    /// The domain: the stream's <c>to</c>. For <see cref="ConnectionType.Accept"/> it is the component's own domain
    /// (<c>echo.example.org</c>); for clients and jabberd2 it is the server's domain.
    /// </summary>
    public string Hostname { get; set; } = "";

    /// <summary>The user (clients) or router user (jabberd2). Not used by <see cref="ConnectionType.Accept"/>.</summary>
    public string? Username { get; set; }

    /// <summary>The password, or the XEP-0114 shared secret. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// The resource to log in with (Client and Legacy). When empty, a Client login lets the server pick one and asks
    /// for it again on reconnect (unless another login took it from us); a Legacy login, which must name one, uses a
    /// random one made once per component.
    /// </summary>
    public string? Resource { get; set; }

    /// <summary>
    /// A name for this connection in logs, metrics and disco#info (PCJ's <c>Alias</c>). Defaults to what tells the
    /// connection apart: the component's domain (Accept), <c>Username@Hostname</c> (Client, Legacy), or the bound
    /// names (Jabberd2).
    /// </summary>
    public string? Alias { get; set; }

    /// <summary>The dialect. Defaults to <see cref="ConnectionType.Accept"/>.</summary>
    public ConnectionType ConnectionType { get; set; } = ConnectionType.Accept;

    /// <summary>The stream's <c>version</c>. Defaults: 1.0 for Client and Jabberd2, 0.9 for Accept and Legacy (PCJ's).</summary>
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

    /// <summary>The largest stanza accepted from the server, in bytes. Default 256 KiB.</summary>
    public int MaxStanzaBytes { get; set; } = XmlLimits.DefaultMaxStanzaBytes;

    /// <summary>The deepest element nesting accepted from the server. Default 64.</summary>
    public int MaxDepth { get; set; } = XmlLimits.DefaultMaxDepth;

    /// <summary>The most attributes one element from the server may carry (namespace declarations included). Default 128.</summary>
    public int MaxAttributes { get; set; } = XmlLimits.DefaultMaxAttributes;

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
    /// Send the outgoing queue automatically each time the connection becomes ready, before anything sent after.
    /// Off by default, as in PCJ: stanzas queued while disconnected may be stale, so the application decides with
    /// <c>PurgeQueueAsync</c>. Hosted components turn it on unless told otherwise.
    /// </summary>
    public bool? PurgeQueueOnReady { get; set; }

    /// <summary>The largest number of stanzas held in the outgoing queue while not ready. Default 100,000.</summary>
    public int MaxQueuedStanzas { get; set; } = 100_000;

    /// <summary>
    /// What <c>SendAsync</c> does when the outgoing queue is full: <see cref="QueueFullPolicy.Fail"/> (the default)
    /// throws <see cref="OutgoingQueueFullException"/>, <see cref="QueueFullPolicy.Wait"/> waits for room. Never a silent drop.
    /// </summary>
    public QueueFullPolicy QueueFullPolicy { get; set; } = QueueFullPolicy.Fail;

    /// <summary>
    /// While this many accepted stanzas wait to be written (the network is slower than the application),
    /// <c>SendAsync</c> waits before accepting more, so memory stays bounded. Default 10,000.
    /// </summary>
    public int MaxOutboundBacklog { get; set; } = 10_000;

    /// <summary>
    /// Acknowledged delivery: stanzas handed to the connection are kept until the server has provably processed them
    /// (a ping addressed to ourselves comes back after them, one per round trip), and those not yet confirmed when the
    /// connection drops go back to the front of the outgoing queue, in order, to be sent again. Messages and presences
    /// get a XEP-0359 <c>&lt;origin-id/&gt;</c> (the same on every copy) when they have none. A stanza may then arrive
    /// twice (the receiver drops repeats by origin-id with <see cref="DuplicateWindow"/>), but none is lost. Off by
    /// default; on by default for hosted components.
    /// </summary>
    public bool? AcknowledgedDelivery { get; set; }

    /// <summary>
    /// With <see cref="AcknowledgedDelivery"/>: the least time between two delivery checks (barriers), unless 256
    /// stanzas already wait for one. A stanza sent sooner after the last check waits for the next one, so a component
    /// sending one stanza at a time costs one check per interval or per 256 stanzas rather than one per stanza; under
    /// load there is one per round trip as before. Longer means more stanzas sent again (and dropped as repeats by the
    /// receiver) after a lost connection. Default 10 ms; zero checks as soon as none is outstanding.
    /// </summary>
    public TimeSpan DeliveryCheckInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Drop received stanzas whose sender and XEP-0359 origin-id were seen among the last this many (copies sent again
    /// by a peer using acknowledged delivery after a reconnect). Only the origin-id counts, never the <c>id</c>, which
    /// senders may reuse: a stanza without an origin-id is always kept. 0, the default, keeps every stanza; hosted
    /// components use 10,000 unless told otherwise. At most <see cref="MaxDuplicateWindow"/> (each entry costs 24 to 40 bytes).
    /// </summary>
    public int? DuplicateWindow { get; set; }

    /// <summary>The largest <see cref="DuplicateWindow"/> accepted.</summary>
    public const int MaxDuplicateWindow = 1 << 20;

    /// <summary>
    /// With <see cref="AcknowledgedDelivery"/>: how long the first delivery check of a connection may go unanswered
    /// before the component concludes that the server does not route what it addresses to itself. The connection then
    /// confirms delivery at the socket only (a warning says so, and <see cref="ConnectionStatus.DeliveryChecksUnanswered"/>
    /// is raised), rather than holding every stanza for a confirmation that never comes. Default 3 s.
    /// </summary>
    public TimeSpan DeliveryCheckTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// With <see cref="AcknowledgedDelivery"/>: how many connections a stanza may be written to before it is given up
    /// on, when each ended before the server confirmed it (a server that refuses the stanza ends the stream every time).
    /// After a loss, unconfirmed stanzas are sent again a few at a time, and one on its last attempt alone, so only the
    /// stanza at fault reaches the limit. A dropped stanza raises <see cref="ConnectionStatus.StanzaDropped"/> and logs a
    /// warning naming it. Default 3.
    /// </summary>
    public int MaxDeliveryAttempts { get; set; } = 3;

    /// <summary>
    /// The largest stanza <c>SendAsync</c> accepts, in bytes of UTF-8; a larger one throws
    /// <see cref="StanzaTooLargeToSendException"/> (servers end the stream of a peer that sends one over their limit).
    /// Default 256 KiB, the limit of many servers; lower it to your server's.
    /// </summary>
    public int MaxOutgoingStanzaBytes { get; set; } = XmlLimits.DefaultMaxStanzaBytes;

    /// <summary>
    /// After the connection is lost, send requests still waiting for a reply again (in the order they were made)
    /// instead of failing them with <see cref="ConnectionLostException"/>. Off by default: only idempotent requests
    /// should be repeated.
    /// </summary>
    public bool ResendPendingRequests { get; set; }

    /// <summary>
    /// How TLS is used. By default <see cref="TlsPolicy.Required"/> (STARTTLS) for Client, Legacy and Jabberd2, and none
    /// for Accept: XEP-0114 has no STARTTLS, so an Accept connection is either in clear on a trusted network, or
    /// <see cref="TlsPolicy.Direct"/> to a component port that speaks TLS (ejabberd's <c>tls: true</c>); Required and
    /// Optional are refused for it.
    /// </summary>
    public TlsPolicy? Tls { get; set; }

    /// <summary>The TLS policy in effect: <see cref="Tls"/>, or the default of the connection type.</summary>
    public TlsPolicy EffectiveTls => Tls ?? (ConnectionType == ConnectionType.Accept ? TlsPolicy.Disabled : TlsPolicy.Required);

    /// <summary>
    /// The TLS versions offered: TLS 1.2 and 1.3 by default (<c>Tls12, Tls13</c>). Channel binding with
    /// <c>tls-unique</c> (SCRAM -PLUS without XEP-0440) exists only under TLS 1.2 (RFC 9266).
    /// </summary>
    public System.Security.Authentication.SslProtocols TlsProtocols { get; set; } =
        System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;

    /// <summary>The name the server's certificate must carry; defaults to <see cref="Hostname"/>.</summary>
    public string? TlsServerName { get; set; }

    /// <summary>
    /// Accept any server certificate. For tests against self-signed servers only: it gives up the protection TLS is
    /// for. Prefer <see cref="TrustedCertificatePath"/>.
    /// </summary>
    public bool AllowUntrustedCertificates { get; set; }

    /// <summary>
    /// A PEM or DER file with the server's certificate (pinned) or the CA that issued it, trusted in addition to the
    /// system's store. The name must still match.
    /// </summary>
    public string? TrustedCertificatePath { get; set; }

    /// <summary>A PKCS#12 file with a client certificate and its key, presented when the server asks for one.</summary>
    public string? ClientCertificatePath { get; set; }

    /// <summary>The password of <see cref="ClientCertificatePath"/>. Never logged.</summary>
    public string? ClientCertificatePassword { get; set; }

    /// <summary>
    /// Decides about the server's certificate instead of the built-in checks (set in code; not bindable). Receives the
    /// certificate, the chain and the errors the system found; returns whether to trust it.
    /// </summary>
    public Func<System.Security.Cryptography.X509Certificates.X509Certificate2, System.Security.Cryptography.X509Certificates.X509Chain?, System.Net.Security.SslPolicyErrors, bool>? CertificateValidation { get; set; }

    /// <summary>
    /// The SASL mechanisms to use, most preferred first; the first one the server offers and the connection allows is
    /// taken. Default: SCRAM-SHA-512-PLUS, SCRAM-SHA-256-PLUS, SCRAM-SHA-1-PLUS, SCRAM-SHA-512, SCRAM-SHA-256,
    /// SCRAM-SHA-1, PLAIN, DIGEST-MD5.
    /// </summary>
    public IList<string>? SaslMechanisms { get; set; }

    /// <summary>
    /// Allow a password to travel unencrypted: SASL PLAIN or a legacy plaintext password without TLS. Off by default.
    /// </summary>
    public bool AllowPlaintextWithoutTls { get; set; }

    /// <summary>
    /// Jabberd2 only: the names to bind, separated by commas (PCJ's <c>BindDomain</c>). Default: <c>Username.Hostname</c>.
    /// The first is the component's <see cref="Component.Jid"/>.
    /// </summary>
    public string? BindDomain { get; set; }

    /// <summary>
    /// Jabberd2 only: options for every bind, separated by commas (PCJ's <c>BindOption</c>): <c>default</c> makes this the
    /// route for unknown domains, <c>log</c> makes it a log sink that gets a copy of every route.
    /// </summary>
    public string? BindOption { get; set; }

    /// <summary>The names bound in Jabberd2 mode.</summary>
    public IReadOnlyList<string> EffectiveBindNames =>
        string.IsNullOrWhiteSpace(BindDomain) ? [$"{Username}.{Hostname}"] : Split(BindDomain);

    /// <summary>The bind options in Jabberd2 mode.</summary>
    public IReadOnlyList<string> EffectiveBindOptions => string.IsNullOrWhiteSpace(BindOption) ? [] : Split(BindOption);

    private static string[] Split(string list) => list.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Legacy only: send the password itself when the server does not accept a digest (PCJ's <c>PlainText</c>).</summary>
    public bool PlainText { get; set; }

    /// <summary>After this long without sending anything, a single space is sent to keep the stream alive (RFC 6120 §4.6.1). Default 60 s; zero turns it off.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// After this long without receiving anything, a XEP-0199 ping goes to the server (a component pings its own domain,
    /// which the server routes back). Default 90 s; zero turns it off.
    /// </summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// When nothing at all arrives within this long after a ping, the server is taken for dead and the connection
    /// is closed (and, when enabled, reconnected). Default 30 s.
    /// </summary>
    public TimeSpan PingTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Automatic reconnection after the connection is lost.</summary>
    public ReconnectOptions Reconnect { get; set; } = new();

    /// <summary>
    /// How many received stanzas may wait for the application's handlers before the connection stops reading from
    /// the socket (and starts again at half). Default 1,000.
    /// </summary>
    public int MaxInboundBacklog { get; set; } = 1000;

    /// <summary>
    /// Runs handlers, filters and status events on the connection's network thread (the event loop) instead of the
    /// thread pool. A stanza then goes from the socket to the handler and its reply back to the socket without a
    /// thread switch, which cuts the round trip and the CPU per stanza to less than half; but a handler that blocks
    /// (a synchronous wait, a long computation) stalls reading, writing and keepalives until it returns, and with
    /// .NET's inline socket completions turned on it runs on the socket thread that serves the whole process. For
    /// handlers that only await. Order and backpressure are the same either way. Default false.
    /// </summary>
    public bool RunHandlersOnEventLoop { get; set; }

    /// <summary>The stream version actually sent.</summary>
    /// <remarks>Legacy defaults to 1.0 (STARTTLS, then iq:auth) where PCJ used 0.9; set 0.9 for pre-XMPP servers.</remarks>
    public string EffectiveVersion => Version ?? ConnectionType switch
    {
        ConnectionType.Accept => "0.9",
        _ => "1.0",
    };

    /// <summary>The name the server's certificate is checked against.</summary>
    public string EffectiveTlsServerName => string.IsNullOrEmpty(TlsServerName) ? Hostname : TlsServerName;

    /// <summary>The stream default namespace actually sent.</summary>
    public string EffectiveXmlns => Xmlns ?? ConnectionType switch
    {
        ConnectionType.Accept => Namespaces.ComponentAccept,
        ConnectionType.Jabberd2 => Namespaces.Jabberd2Component,
        _ => Namespaces.Client,
    };

    /// <summary>The <c>stream:</c> namespace actually sent.</summary>
    public string EffectiveStreamXmlns => StreamXmlns ?? Namespaces.Streams;

    /// <summary>The name used in logs and metrics: <see cref="Alias"/>, or its default.</summary>
    public string DisplayName => !string.IsNullOrEmpty(Alias) ? Alias : ConnectionType switch
    {
        ConnectionType.Client or ConnectionType.Legacy => $"{Username}@{Hostname}",
        ConnectionType.Jabberd2 => string.Join(",", EffectiveBindNames),
        _ => Hostname,
    };

    /// <summary>Every problem with these options, one sentence each naming the option; empty when they are usable.</summary>
    public IReadOnlyList<string> GetFailures()
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(Host)) failures.Add("Host is required: the server's IP address or host name.");
        else if (Uri.CheckHostName(Host) == UriHostNameType.Unknown) failures.Add($"Host '{Host}' is not an IP address or host name.");
        if (Port is < 1 or > 65535) failures.Add(Port == 0 ? "Port is required (1-65535)." : $"Port must be between 1 and 65535, not {Port.ToString(CultureInfo.InvariantCulture)}.");
        if (string.IsNullOrWhiteSpace(Hostname)) failures.Add("Hostname is required: the domain the stream is addressed to.");
        else if (!Jid.TryParse(Hostname, out Jid? domain) || domain.Local is not null || domain.Resource is not null) failures.Add($"Hostname '{Hostname}' is not a domain.");
        if (string.IsNullOrEmpty(Password)) failures.Add(ConnectionType == ConnectionType.Accept ? "Password is required: the component's shared secret." : "Password is required.");
        if (ConnectionType is ConnectionType.Client or ConnectionType.Legacy or ConnectionType.Jabberd2 && string.IsNullOrWhiteSpace(Username))
            failures.Add($"Username is required for connection type {ConnectionType.ToDisplayName()}.");
        if (!Enum.IsDefined(ConnectionType)) failures.Add($"ConnectionType {(int)ConnectionType} is not one of Client, Legacy, Accept, Jabberd2.");
        if (MaxStanzaBytes < 1024) failures.Add("MaxStanzaBytes must be at least 1024.");
        if (MaxDepth < 2) failures.Add("MaxDepth must be at least 2.");
        if (MaxAttributes < 8) failures.Add("MaxAttributes must be at least 8.");
        if (MaxQueuedStanzas < 1) failures.Add("MaxQueuedStanzas must be at least 1.");
        if (MaxInboundBacklog < 2) failures.Add("MaxInboundBacklog must be at least 2.");
        if (DuplicateWindow is < 0 or > MaxDuplicateWindow) failures.Add($"DuplicateWindow must be between 0 and {MaxDuplicateWindow}.");
        if (DeliveryCheckInterval < TimeSpan.Zero) failures.Add("DeliveryCheckInterval must not be negative.");
        AddIfNotPositive(failures, DeliveryCheckTimeout, nameof(DeliveryCheckTimeout));
        if (MaxDeliveryAttempts < 1) failures.Add("MaxDeliveryAttempts must be at least 1.");
        if (MaxOutgoingStanzaBytes < 1024) failures.Add("MaxOutgoingStanzaBytes must be at least 1024.");
        if (MaxOutboundBacklog < 2) failures.Add("MaxOutboundBacklog must be at least 2.");
        if (!Enum.IsDefined(QueueFullPolicy)) failures.Add("QueueFullPolicy must be Fail or Wait.");
        AddIfNotPositive(failures, RequestTimeout, nameof(RequestTimeout));
        AddIfNotPositive(failures, ConnectTimeout, nameof(ConnectTimeout));
        AddIfNotPositive(failures, NegotiationTimeout, nameof(NegotiationTimeout));
        AddIfNotPositive(failures, ShutdownTimeout, nameof(ShutdownTimeout));
        AddIfNotPositive(failures, Reconnect.InitialDelay, "Reconnect:InitialDelay");
        if (KeepAliveInterval < TimeSpan.Zero) failures.Add("KeepAliveInterval must not be negative.");
        if (PingInterval < TimeSpan.Zero) failures.Add("PingInterval must not be negative.");
        AddIfNotPositive(failures, PingTimeout, nameof(PingTimeout));
        if (Reconnect.MaxDelay < Reconnect.InitialDelay) failures.Add("Reconnect:MaxDelay must not be less than Reconnect:InitialDelay.");
        if (Reconnect.MaxAttempts < 0) failures.Add("Reconnect:MaxAttempts must be 0 (no limit) or more.");
        if (Xmlns is { Length: 0 }) failures.Add("Xmlns must not be empty when set.");
        if (ConnectionType == ConnectionType.Jabberd2)
        {
            foreach (string name in EffectiveBindNames.Where(n => !Jid.TryParse(n, out _))) failures.Add($"BindDomain: '{name}' is not a name that can be bound.");
            foreach (string option in EffectiveBindOptions.Where(o => o is not ("default" or "log"))) failures.Add($"BindOption: '{option}' is not 'default' or 'log'.");
        }
        if (Tls is { } tls && !Enum.IsDefined(tls)) failures.Add("Tls must be Required, Optional, Disabled or Direct.");
        if (ConnectionType == ConnectionType.Accept && Tls is TlsPolicy.Required or TlsPolicy.Optional)
        {
            failures.Add($"Tls: {Tls} needs STARTTLS, which XEP-0114 (ConnectionType Accept) does not have: the handshake and all traffic " +
                         "would go in clear. Use Direct for a component port that speaks TLS (ejabberd: tls: true), or leave Tls unset.");
        }
        const System.Security.Authentication.SslProtocols Supported = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
        if (TlsProtocols == System.Security.Authentication.SslProtocols.None || (TlsProtocols & ~Supported) != 0)
            failures.Add("TlsProtocols must be Tls12, Tls13 or both.");
        if (TrustedCertificatePath is { Length: > 0 } trusted && !File.Exists(trusted)) failures.Add($"TrustedCertificatePath '{trusted}' does not exist.");
        if (ClientCertificatePath is { Length: > 0 } client && !File.Exists(client)) failures.Add($"ClientCertificatePath '{client}' does not exist.");
        if (SaslMechanisms is { Count: > 0 } mechanisms)
        {
            foreach (string unknown in mechanisms.Where(m => !Sasl.SaslMechanismFactory.Supported.Contains(m, StringComparer.Ordinal)))
                failures.Add($"SaslMechanisms: '{unknown}' is not supported (supported: {string.Join(", ", Sasl.SaslMechanismFactory.Supported)}).");
        }
        if (StreamXmlns is { Length: 0 }) failures.Add("StreamXmlns must not be empty when set.");
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
        copy.Reconnect = new ReconnectOptions
        {
            Enabled = Reconnect.Enabled, InitialDelay = Reconnect.InitialDelay, MaxDelay = Reconnect.MaxDelay, MaxAttempts = Reconnect.MaxAttempts,
        };
        copy.SaslMechanisms = SaslMechanisms?.ToList();
        return copy;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{ConnectionType.ToDisplayName()} {Hostname} via {Host}:{Port}" + (Username is null ? "" : $" as {Username}") + " (password redacted)";

    private static void AddIfNotPositive(List<string> failures, TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero) failures.Add($"{name} must be positive.");
    }
}
