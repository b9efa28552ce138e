using System.Text;
using ComponentSdk.Xml;
using DotNetty.Buffers;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Tests.Xml;

/// <summary>Calls <see cref="StanzaFramer.RestartStream"/> with redirection when a given frame passes.</summary>
internal sealed class RestartOnElement(StanzaFramer framer, string frame) : ChannelHandlerAdapter
{
    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        if (message is IByteBuffer buffer && buffer.ToString(Encoding.UTF8) == frame) framer.RestartStream(redirectBufferedBytes: true);
        context.FireChannelRead(message);
    }
}

/// <summary>Records the bytes that pass through it, as UTF-8.</summary>
internal sealed class RecordingHandler : ChannelHandlerAdapter
{
    public List<string> Seen { get; } = [];

    /// <summary>How many reads go on; later ones stop here (as a TLS handler would consume them).</summary>
    public int PassCount { get; set; } = int.MaxValue;

    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        if (message is IByteBuffer buffer) Seen.Add(buffer.ToString(Encoding.UTF8));
        if (Seen.Count > PassCount) DotNetty.Common.Utilities.ReferenceCountUtil.Release(message);
        else context.FireChannelRead(message);
    }
}
