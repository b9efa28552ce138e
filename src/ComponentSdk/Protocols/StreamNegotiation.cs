using System.Xml.Linq;
using ComponentSdk.Transport;
using ComponentSdk.Xml;
using DotNetty.Handlers.Tls;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Protocols;

/// <summary>
/// Negotiations that go through stream features (Client, Legacy, Jabberd2): stream headers, the TLS policy and
/// STARTTLS (RFC 6120 §5), direct TLS, and stream restarts. What comes after TLS is the subclass's.
/// </summary>
internal abstract class StreamNegotiation(ConnectionContext connection) : NegotiationHandler(connection)
{
    private static readonly XNamespace Tls = Namespaces.Tls;
    private bool tlsRequested;

    /// <summary>The id of the current stream (a new one after each restart).</summary>
    protected string? StreamId { get; private set; }

    protected override void Start(IChannelHandlerContext context) => SendHeader(context);

    protected override void OnHeader(IChannelHandlerContext context, StreamHeader header)
    {
        StreamId = header.Id;
        Step = "the server's stream features";
        if (!header.IsXmpp1) OnPreXmppStream(context, header);
    }

    /// <summary>The server opened a stream without <c>version='1.0'</c>: no features will come.</summary>
    protected virtual void OnPreXmppStream(IChannelHandlerContext context, StreamHeader header) =>
        Fail(context, new StreamErrorException(StreamErrorCondition.UnsupportedVersion, "The server does not speak XMPP 1.0 (no version in its stream header)."), null);

    protected override void OnElement(IChannelHandlerContext context, XElement element)
    {
        if (element.Name == StreamFeatures.ElementName)
        {
            OnFeaturesReceived(context, StreamFeatures.Parse(element));
        }
        else if (element.Name.Namespace == Tls && tlsRequested && !Connection.TlsEstablished)
        {
            if (element.Name.LocalName == "proceed")
            {
                Step = "the TLS handshake";
                StreamRestarter.StartTls(context.Channel.Pipeline, Connection);
            }
            else
            {
                Fail(context, new TlsNegotiationException("The server refused STARTTLS."), ConnectionStatus.SslFail);
            }
        }
        else
        {
            OnOtherElement(context, element);
        }
    }

    /// <summary>Asks for TLS with <c>&lt;starttls/&gt;</c>.</summary>
    protected void RequestTls(IChannelHandlerContext context)
    {
        tlsRequested = true;
        Step = "the server's answer to STARTTLS";
        Connection.Status(ConnectionStatus.SslNegotiate);
        Send(context, new XElement(Tls + "starttls"));
    }

    /// <summary>Opens a new stream on the same connection, as after SASL success.</summary>
    protected void RestartStream(IChannelHandlerContext context)
    {
        StreamRestarter.Restart(context.Channel.Pipeline);
        Step = "the server's stream header";
        SendHeader(context);
    }

    /// <summary>Features arrived and TLS is settled (established, or not wanted or not required).</summary>
    protected abstract void OnFeatures(IChannelHandlerContext context, StreamFeatures features);

    /// <summary>Any other element during negotiation.</summary>
    protected abstract void OnOtherElement(IChannelHandlerContext context, XElement element);

    private void OnFeaturesReceived(IChannelHandlerContext context, StreamFeatures features)
    {
        if (!Connection.TlsEstablished)
        {
            TlsPolicy policy = Connection.Options.TlsMode();
            if (features.StartTls && policy is TlsPolicy.Required or TlsPolicy.Optional)
            {
                RequestTls(context);
                return;
            }
            if (policy == TlsPolicy.Required)
            {
                Fail(context, new TlsNegotiationException(
                    "The server does not offer STARTTLS and Tls is Required: nothing is sent in the clear. Set Tls to Optional to allow an unencrypted connection."),
                    ConnectionStatus.SslFail);
                return;
            }
        }
        OnFeatures(context, features);
    }
}
