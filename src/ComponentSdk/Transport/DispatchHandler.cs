using System.Xml.Linq;
using ComponentSdk.Xml;
using DotNetty.Codecs;
using DotNetty.Common.Utilities;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Transport;

/// <summary>
/// The last stage: hands stanzas to the component once negotiation is done, and ends the stream properly when the
/// peer sends a stream error, closes its stream, or breaks the rules (answering with the RFC 6120 stream error that
/// the framer or codec named). Knows no dialect.
/// </summary>
internal sealed class DispatchHandler(ConnectionContext connection) : ChannelHandlerAdapter
{
    public override void UserEventTriggered(IChannelHandlerContext context, object evt)
    {
        if (evt is SessionEstablished session) connection.Observer.OnNegotiated(session);
        else context.FireUserEventTriggered(evt);
    }

    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        switch (message)
        {
            case XElement element when element.IsStreamError():
                (StreamErrorCondition condition, string? text, string? otherHost) = StreamError.Parse(element);
                var error = new StreamErrorException(condition, text, otherHost);
                connection.SetCloseReason(error);
                connection.Status(ConnectionStatus.StreamError, element, error);
                StreamCloser.EndStreamAndClose(context.Channel, connection);
                break;
            case XElement stanza:
                connection.Observer.OnStanza(stanza);
                break;
            case StreamFooter:
                // The peer ended its stream: expected after our own closing tag, otherwise the connection is lost. Only
                // an answer to a shutdown we began proves that it processed everything before our tag; its closing tag
                // after a stream error of its own (which our tag merely acknowledged) proves nothing.
                if (connection.FooterSent && connection.LocalClose && connection.CloseReason is null) connection.MarkPeerClosedAfterUs();
                if (!connection.LocalClose) connection.SetCloseReason(new ConnectionLostException("The server closed the stream."));
                StreamCloser.EndStreamAndClose(context.Channel, connection);
                break;
            default:
                ReferenceCountUtil.Release(message);
                break;
        }
    }

    public override void ChannelReadComplete(IChannelHandlerContext context)
    {
        connection.ReadCompleted?.Invoke();
        context.FireChannelReadComplete();
    }

    public override void ExceptionCaught(IChannelHandlerContext context, Exception exception)
    {
        Exception error = exception;
        while (error is DecoderException { InnerException: { } inner }) error = inner;

        if (error is StreamViolationException violation)
        {
            connection.SetCloseReason(violation);
            Log.PeerViolation(connection.Logger, connection.Options.DisplayName, violation.Condition.ToElementName(), violation.Message);
            connection.Status(ConnectionStatus.StreamErrorSent, error: violation);
            StreamCloser.EndStreamAndClose(context.Channel, connection, StreamError.Create(violation.Condition));
            return;
        }

        connection.SetCloseReason(error);
        Log.PipelineError(connection.Logger, error, connection.Options.DisplayName);
        context.Channel.CloseAsync();
    }

    public override void ChannelWritabilityChanged(IChannelHandlerContext context)
    {
        connection.WritabilityChanged?.Invoke();
        context.FireChannelWritabilityChanged();
    }

    public override void ChannelInactive(IChannelHandlerContext context)
    {
        Exception? reason = connection.CloseReason;
        if (reason is null && !connection.LocalClose) reason = new ConnectionLostException("The connection was closed by the server.");
        connection.Observer.OnClosed(reason);
        context.FireChannelInactive();
    }
}
