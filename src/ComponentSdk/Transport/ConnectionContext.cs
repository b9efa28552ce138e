using ComponentSdk.Xml;
using Microsoft.Extensions.Logging;

namespace ComponentSdk.Transport;

/// <summary>What the handlers of one connection share: its options, where to report, and why it closed.</summary>
internal sealed class ConnectionContext(ConnectionOptions options, IConnectionObserver observer, ILogger logger, string? resource,
    StreamManagementSession? resumable = null)
{
    private Exception? closeReason;
    private int footerSent;
    private volatile bool localClose;

    public ConnectionOptions Options { get; } = options;

    public IConnectionObserver Observer { get; } = observer;

    public ILogger Logger { get; } = logger;

    /// <summary>The resource this login asks for; null lets the server pick one (clients only).</summary>
    public string? Resource { get; } = resource;

    public XmlLimits Limits => XmlLimits.From(Options.Limits);

    /// <summary>A stream management session a lost connection left, for this login to resume; null for a new session.</summary>
    public StreamManagementSession? Resumable { get; } = resumable;

    /// <summary>The stream management session in effect on this connection once it is ready (enabled or resumed), or null.</summary>
    public StreamManagementSession? StreamManagement { get; set; }

    /// <summary>True when this connection resumed an earlier session rather than starting a new one.</summary>
    public bool Resumed { get; set; }

    /// <summary>
    /// True on a resumed connection from the first stanza sent until the server's first ack: a server still silent
    /// then may not have taken the resumption (see the supervisor's broken resumption).
    /// </summary>
    public bool AwaitingFirstAck { get; set; }

    /// <summary>Called on the event loop when the channel becomes writable again (or not).</summary>
    public Action? WritabilityChanged { get; set; }

    /// <summary>Called on the event loop when a socket read has gone through the pipeline, before the next read is posted.</summary>
    public Action? ReadCompleted { get; set; }

    /// <summary>True when TLS starts with the first byte: <see cref="TlsPolicy.Direct"/>, or a target found under <c>_xmpps-client</c>.</summary>
    public bool DirectTls { get; set; } = options.TlsMode() == TlsPolicy.Direct;

    /// <summary>The TLS layer, once a TLS handler was created for the connection.</summary>
    public TlsSession? Tls { get; set; }

    /// <summary>The certificate checks of the TLS layer, for the error message when they refuse.</summary>
    public CertificateValidator? CertificateValidator { get; set; }

    /// <summary>True when TLS is in the pipeline and its handshake succeeded.</summary>
    public bool TlsEstablished { get; set; }

    /// <summary>The first error that made the connection close, if any.</summary>
    public Exception? CloseReason => Volatile.Read(ref closeReason);

    /// <summary>True once we began a shutdown: the peer's closing tag is then expected, not an error.</summary>
    public bool LocalClose => localClose;

    public void MarkLocalClose() => localClose = true;

    /// <summary>True once our <c>&lt;/stream:stream&gt;</c> was written.</summary>
    public bool FooterSent => Volatile.Read(ref footerSent) == 1;

    /// <summary>True when the peer closed its stream after ours: it processed everything we sent before our footer.</summary>
    public bool PeerClosedAfterUs { get; private set; }

    public void MarkPeerClosedAfterUs() => PeerClosedAfterUs = true;

    /// <summary>True the first time only: our <c>&lt;/stream:stream&gt;</c> is written once.</summary>
    public bool MarkFooterSent() => Interlocked.Exchange(ref footerSent, 1) == 0;

    /// <summary>Records why the connection is closing; the first reason wins.</summary>
    public void SetCloseReason(Exception error) => Interlocked.CompareExchange(ref closeReason, error, null);

    public void Status(ConnectionStatus status, System.Xml.Linq.XElement? stanza = null, Exception? error = null, string? detail = null) =>
        Observer.OnStatus(new ConnectionStatusEventArgs(status, stanza, error, detail));

    /// <summary>The header we send to open a stream.</summary>
    public StreamHeader OutgoingHeader() => new()
    {
        To = Options.Hostname,
        Version = Options.StreamVersion(),
        DefaultNamespace = Options.StreamNamespace(),
        StreamNamespace = Options.StreamPrefixNamespace(),
    };
}
