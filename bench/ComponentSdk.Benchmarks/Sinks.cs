using DotNetty.Common.Utilities;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Benchmarks;

/// <summary>Takes whatever reaches the end of the inbound pipeline, counts and releases it.</summary>
internal sealed class InboundSink : ChannelHandlerAdapter
{
    public long Count;

    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        Count++;
        ReferenceCountUtil.Release(message);
    }
}

/// <summary>Sits next to the head and takes every outbound message instead of the transport.</summary>
internal sealed class OutboundSink : ChannelHandlerAdapter
{
    public long Bytes;

    public override Task WriteAsync(IChannelHandlerContext context, object message)
    {
        if (message is DotNetty.Buffers.IByteBuffer buffer) Bytes += buffer.ReadableBytes;
        ReferenceCountUtil.Release(message);
        return Task.CompletedTask;
    }
}
