using ComponentSdk.Diagnostics;
using DotNetty.Buffers;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Transport;

/// <summary>Counts the XML bytes in and out (<see cref="ComponentTelemetry"/>); sits in front of the framer, behind TLS.</summary>
internal sealed class ByteMeter(ConnectionContext connection) : ChannelDuplexHandler
{
    private readonly KeyValuePair<string, object?> tag = ComponentTelemetry.Tag(connection.Options.DisplayName);

    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        if (message is IByteBuffer buffer && ComponentTelemetry.BytesReceived.Enabled) ComponentTelemetry.BytesReceived.Add(buffer.ReadableBytes, tag);
        context.FireChannelRead(message);
    }

    public override Task WriteAsync(IChannelHandlerContext context, object message)
    {
        if (message is IByteBuffer buffer && ComponentTelemetry.BytesSent.Enabled) ComponentTelemetry.BytesSent.Add(buffer.ReadableBytes, tag);
        return context.WriteAsync(message);
    }
}
