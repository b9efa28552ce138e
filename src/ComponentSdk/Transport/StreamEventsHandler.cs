using System.Xml.Linq;
using ComponentSdk.Xml;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Transport;

/// <summary>
/// Reports what is written as status events: <see cref="ConnectionStatus.StreamStart"/> for each stream header and
/// <see cref="ConnectionStatus.NodeSent"/> for each element (when someone listens for per-element events), with
/// credentials redacted as in the XML trace. The closing <c>&lt;/stream:stream&gt;</c> is not a node (PCJ:
/// STREAMEND instead).
/// </summary>
internal sealed class StreamEventsHandler(ConnectionContext connection) : ChannelHandlerAdapter
{
    public override Task WriteAsync(IChannelHandlerContext context, object message)
    {
        switch (message)
        {
            case StreamHeader header:
                connection.Status(ConnectionStatus.StreamStart, detail: header.To);
                connection.Status(ConnectionStatus.NodeSent, detail: "<stream:stream>");
                break;
            case XElement element when connection.Observer.WantsElementEvents:
                connection.Status(ConnectionStatus.NodeSent, SecretRedactor.Redact(element));
                break;
        }
        return context.WriteAsync(message);
    }
}
