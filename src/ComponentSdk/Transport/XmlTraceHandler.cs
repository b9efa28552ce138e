using System.Xml.Linq;
using ComponentSdk.Xml;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Transport;

/// <summary>
/// Logs every element sent and received (PCJ's Debug: <c>Sent: ...</c>, <c>Recd: ...</c>) through the component's
/// logger, with credentials redacted. Present only when <see cref="ConnectionOptions.Debug"/> is set.
/// </summary>
internal sealed class XmlTraceHandler(ConnectionContext connection) : ChannelDuplexHandler
{
    private readonly string name = connection.Options.DisplayName;

    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        if (Render(message) is { } xml) Log.Received(connection.Logger, name, xml);
        context.FireChannelRead(message);
    }

    public override Task WriteAsync(IChannelHandlerContext context, object message)
    {
        if (Render(message) is { } xml) Log.Sent(connection.Logger, name, xml);
        return context.WriteAsync(message);
    }

    private static string? Render(object message) => message switch
    {
        XElement element => SecretRedactor.Render(element),
        StreamHeader header => Render(header),
        StreamFooter => "</stream:stream>",
        _ => null,
    };

    private static string Render(StreamHeader header) =>
        "<stream:stream" + Attribute("from", header.From) + Attribute("to", header.To) + Attribute("id", header.Id)
        + Attribute("version", header.Version) + Attribute("xml:lang", header.Language)
        + Attribute("xmlns", header.DefaultNamespace) + Attribute("xmlns:stream", header.StreamNamespace) + ">";

    private static string Attribute(string name, string? value) => value is null ? "" : $" {name}='{value}'";
}
