using System.Globalization;
using System.Xml.Linq;
using ComponentSdk.Xml;
using DotNetty.Common.Concurrency;
using DotNetty.Handlers.Timeout;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Transport;

/// <summary>
/// Keeps a ready connection honest, on DotNetty's idle events: a single space when we have written nothing for
/// <see cref="LivenessOptions.KeepAliveInterval"/>, and a XEP-0199 ping when nothing arrived for
/// <see cref="LivenessOptions.PingInterval"/>. If nothing at all arrives within
/// <see cref="LivenessOptions.PingTimeout"/> after a ping, the peer is silent (dead, or a stalled network) and the
/// connection is closed with a <see cref="ConnectionLostException"/>, so that reconnection can take over.
/// </summary>
internal sealed class LivenessHandler(ConnectionContext connection) : ChannelHandlerAdapter
{
    private static readonly XName Ping = XName.Get("ping", "urn:xmpp:ping");
    private bool established;
    private string? target;
    private string? from;
    private string? pingId;
    private IScheduledTask? deadline;

    public override void UserEventTriggered(IChannelHandlerContext context, object evt)
    {
        switch (evt)
        {
            case SessionEstablished session:
                established = true;
                // A component pings its own domain: the server routes the ping back, and our answer proves the round trip.
                bool component = connection.Options.ConnectionType is ConnectionType.Accept or ConnectionType.Jabberd2;
                target = connection.Options.ConnectionType == ConnectionType.Accept ? session.Jid.Domain : connection.Options.Hostname;
                from = component ? session.Jid.ToString() : null;
                context.FireUserEventTriggered(evt);
                break;
            case IdleStateEvent idle when established:
                if (idle.State == IdleState.WriterIdle) context.Channel.WriteAndFlushAsync(WhitespaceKeepAlive.Instance);
                else if (idle.State == IdleState.ReaderIdle) SendPing(context);
                break;
            case IdleStateEvent:
                break;
            default:
                context.FireUserEventTriggered(evt);
                break;
        }
    }

    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        // Anything at all proves the peer is alive.
        deadline?.Cancel();
        deadline = null;
        if (message is XElement { Name.LocalName: "iq" } reply && pingId is not null && reply.Id() == pingId && reply.Type() is "result" or "error"
            && (reply.From() is null || Jid.SameAddress(reply.From(), target)))
        {
            pingId = null;
            return; // our own ping's answer: nothing for the application
        }
        if (message is XElement { Name.LocalName: "iq" } own && from is not null && pingId is not null && own.Id() == pingId && own.Type() == "get"
            && Jid.SameAddress(own.From(), from))
        {
            pingId = null;
            return; // our own ping to our own domain, come back to us: the round trip is proven, nothing to answer
        }
        context.FireChannelRead(message);
    }

    public override void ChannelInactive(IChannelHandlerContext context)
    {
        deadline?.Cancel();
        context.FireChannelInactive();
    }

    private void SendPing(IChannelHandlerContext context)
    {
        if (deadline is not null || target is null) return;
        pingId = "liveness-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        XElement ping = TransientStanza.Mark(new XElement("iq", new XAttribute("type", "get"), new XAttribute("id", pingId), new XAttribute("to", target), new XElement(Ping)));
        if (from is not null) ping.SetAttributeValue("from", from);
        // From the tail, so that the whole outbound path (a jabberd2 route envelope included) applies.
        context.Channel.WriteAndFlushAsync(ping);
        TimeSpan timeout = connection.Options.Liveness.PingTimeout;
        deadline = context.Executor.Schedule(() =>
        {
            connection.SetCloseReason(new ConnectionLostException(
                $"The server went silent: nothing arrived within {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s of a ping."));
            context.Channel.CloseAsync();
        }, timeout);
    }
}
