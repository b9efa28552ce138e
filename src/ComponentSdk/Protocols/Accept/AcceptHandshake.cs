using System.Xml.Linq;
using ComponentSdk.Transport;
using ComponentSdk.Xml;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Protocols.Accept;

/// <summary>
/// XEP-0114 (Jabber Component Protocol, https://xmpp.org/extensions/xep-0114.html): open a
/// <c>jabber:component:accept</c> stream to the component's domain, answer the server's stream id with
/// <c>&lt;handshake&gt;</c> SHA-1(id + secret) <c>&lt;/handshake&gt;</c>, and be ready on the empty
/// <c>&lt;handshake/&gt;</c>. Anything else, a stream error included, is an authentication failure: no retry.
/// </summary>
internal sealed class AcceptHandshake(ConnectionContext connection) : NegotiationHandler(connection)
{
    private string? streamId;

    protected override void Start(IChannelHandlerContext context) => SendHeader(context);

    protected override void OnHeader(IChannelHandlerContext context, StreamHeader header)
    {
        if (streamId is not null)
        {
            Fail(context, Refused("unexpected-header", null, "The server opened a second stream during the handshake."), ConnectionStatus.AuthFail);
            return;
        }
        // XEP-0114 §3: "the server MUST send a stream id"; an empty one still gives a well-defined digest.
        streamId = header.Id ?? "";
        Step = "the server's answer to our handshake";
        Connection.Status(ConnectionStatus.AuthNegotiate);
        Send(context, new XElement("handshake", HandshakeDigest.Compute(streamId, Connection.Options.Password!)));
    }

    protected override void OnElement(IChannelHandlerContext context, XElement element)
    {
        if (streamId is not null && element.Name == HandshakeName)
        {
            Connection.Status(ConnectionStatus.AuthSuccess);
            Succeed(context, new Jid(null, Connection.Options.Hostname), streamId);
            return;
        }
        // RFC 6120 §4.9.3.12: stanzas before the stream is authenticated are answered with not-authorized.
        Fail(context, Refused("unexpected-element", null, $"Expected <handshake/> from the server but got <{element.Name.LocalName}>."), ConnectionStatus.AuthFail,
            StreamErrorCondition.NotAuthorized);
    }

    protected override void OnStreamError(IChannelHandlerContext context, StreamErrorException error)
    {
        string condition = error.Condition.ToElementName();
        string domain = Connection.Options.Hostname;
        string hint = error.Condition switch
        {
            StreamErrorCondition.NotAuthorized => ": check the secret (Password), and that the server declares the component",
            StreamErrorCondition.HostUnknown => $": the server does not serve '{domain}' as a component; declare it there, or fix Hostname",
            StreamErrorCondition.Conflict => $": another connection holds '{domain}'",
            _ => "",
        };
        Fail(context, Refused(condition, error.Text,
            $"The server refused the component '{domain}': {condition}{(error.Text is null ? "" : " (" + error.Text + ")")}{hint}.", error),
            ConnectionStatus.AuthFail);
    }

    private static readonly XName HandshakeName = "handshake";

    private static XmppAuthenticationException Refused(string condition, string? text, string message, Exception? inner = null) =>
        new(condition, text, message, inner);
}
