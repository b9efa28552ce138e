using System.Text;
using System.Xml.Linq;
using ComponentSdk.Xml;
using DotNetty.Transport.Channels;
using Microsoft.Extensions.Logging;

namespace ComponentSdk.Transport;

/// <summary>
/// Logs every element sent and received (PCJ's Debug: <c>Sent: ...</c>, <c>Recd: ...</c>) through the component's
/// logger, as it looks on the wire, with credentials redacted: at Information with <see cref="ConnectionOptions.Debug"/>,
/// otherwise at Trace when the logger has Trace enabled. Absent from the pipeline when neither applies.
/// </summary>
internal sealed class XmlTraceHandler(ConnectionContext connection) : ChannelDuplexHandler
{
    private readonly string name = connection.Options.DisplayName;
    private readonly LogLevel level = connection.Options.Debug ? LogLevel.Information : LogLevel.Trace;
    private readonly StanzaWriter inbound = new();
    private readonly StanzaWriter outbound = new();

    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        if (Render(message, inbound) is { } xml) Log.Received(connection.Logger, level, name, xml);
        context.FireChannelRead(message);
    }

    public override Task WriteAsync(IChannelHandlerContext context, object message)
    {
        if (message is XElement && context.Channel.Pipeline.Get(PipelineNames.Codec) is XmlStanzaCodec codec) outbound.StanzaNamespace = codec.StanzaNamespace;
        if (Render(message, outbound) is { } xml) Log.Sent(connection.Logger, level, name, xml);
        return context.WriteAsync(message);
    }

    private static string? Render(object message, StanzaWriter writer)
    {
        try
        {
            switch (message)
            {
                case XElement element:
                    return Encoding.UTF8.GetString(writer.WriteStanza(SecretRedactor.Redact(element)));
                case StreamHeader header:
                    writer.StanzaNamespace = header.DefaultNamespace;
                    return Encoding.UTF8.GetString(writer.WriteHeader(header));
                case StreamFooter:
                    return "</stream:stream>";
                default:
                    return null;
            }
        }
        catch (ArgumentException)
        {
            // Not writable (the codec will refuse it too); the trace shows it as the tree says.
            return message.ToString();
        }
    }
}
