using System.Globalization;
using System.Xml.Linq;
using ComponentSdk.Xml;
using DotNetty.Common.Concurrency;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Transport;

/// <summary>
/// XEP-0198 acks on a ready connection, once the negotiation enabled or resumed stream management: counts the
/// stanzas received and answers the server's <c>&lt;r/&gt;</c> with that count; counts and keeps the stanzas sent
/// until the server's <c>&lt;a/&gt;</c> covers them, asking for one every <see cref="StreamManagementOptions.AckEvery"/>
/// stanzas and <see cref="StreamManagementOptions.AckDelay"/> after the last one. Sits after the negotiation, so that
/// everything written after it (the pump's stanzas, liveness pings) is counted and nothing written during it is.
/// </summary>
internal sealed class StreamManagementHandler(ConnectionContext connection) : ChannelDuplexHandler
{
    private static readonly XNamespace Sm = Namespaces.StreamManagement;
    private static readonly XName Request = Sm + "r";
    private static readonly XName Answer = Sm + "a";

    private readonly StreamManagementOptions options = connection.Options.StreamManagement;
    private StreamManagementSession? session;
    private int sinceRequest;
    private IScheduledTask? delayedRequest;
    private bool warnedTooHigh;
    private bool acknowledged; // the server has acknowledged on this connection

    public override void UserEventTriggered(IChannelHandlerContext context, object evt)
    {
        if (evt is SessionEstablished { StreamManagement: { } established } ready)
        {
            session = established;
            connection.StreamManagement = established;
            connection.Resumed = ready.Resumed;
        }
        context.FireUserEventTriggered(evt);
    }

    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        if (session is null || message is not XElement element)
        {
            context.FireChannelRead(message);
            return;
        }
        if (element.Name == Request)
        {
            context.WriteAndFlushAsync(new XElement(Answer, new XAttribute("h", session.Received.ToString(CultureInfo.InvariantCulture))));
            return;
        }
        if (element.Name == Answer)
        {
            OnAnswer(element);
            return;
        }
        if (IsStanza(element)) session.OnReceived();
        context.FireChannelRead(message);
    }

    public override Task WriteAsync(IChannelHandlerContext context, object message)
    {
        if (session is null || message is not XElement element || !IsStanza(element)) return context.WriteAsync(message);
        session.OnSent(element);
        if (connection.Resumed && !acknowledged) connection.AwaitingFirstAck = true;
        Task written = context.WriteAsync(message);
        if (++sinceRequest >= options.AckEvery) RequestAck(context);
        else delayedRequest ??= context.Executor.Schedule(static (c, h) => ((StreamManagementHandler)h!).OnAckDelay((IChannelHandlerContext)c!), context, this, options.AckDelay);
        return written;
    }

    public override void ChannelInactive(IChannelHandlerContext context)
    {
        delayedRequest?.Cancel();
        context.FireChannelInactive();
    }

    private void OnAckDelay(IChannelHandlerContext context)
    {
        delayedRequest = null;
        if (sinceRequest == 0 || !context.Channel.Active) return;
        RequestAck(context);
        context.Flush();
    }

    /// <summary>Written behind the stanza that made it due; the pump's (or the writer's) flush sends both.</summary>
    private void RequestAck(IChannelHandlerContext context)
    {
        sinceRequest = 0;
        context.WriteAsync(new XElement(Request));
    }

    private void OnAnswer(XElement answer)
    {
        acknowledged = true;
        connection.AwaitingFirstAck = false;
        if (!uint.TryParse((string?)answer.Attribute("h"), NumberStyles.None, CultureInfo.InvariantCulture, out uint h)) return;
        uint sent = unchecked(session!.Acknowledged + (uint)session.UnackedCount);
        if (!session.Acknowledge(h) && !warnedTooHigh)
        {
            warnedTooHigh = true;
            Log.AckTooHigh(connection.Logger, connection.Options.DisplayName, h, sent);
        }
    }

    /// <summary>A stanza of the stream (RFC 6120 §8), as counted by XEP-0198: not a nonza such as an ack or a stream error.</summary>
    private static bool IsStanza(XElement element) =>
        element.Name.LocalName is "message" or "presence" or "iq" && (element.Name.Namespace == XNamespace.None || element.Name.NamespaceName == Namespaces.Client);
}
