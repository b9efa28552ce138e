using DotNetty.Transport.Channels;

namespace ComponentSdk.Transport;

/// <summary>
/// The whole pipeline of a connection attempt that races others (RFC 8305) until it connects: the first attempt to
/// become active builds the connection's real pipeline behind the gate, hands the activation on and steps aside; an
/// attempt that connects later closes. Nothing is written before activation, and the server speaks only after us, so
/// no byte passes the gate.
/// </summary>
internal sealed class AttemptGate(Func<IChannel, bool> tryWin) : ChannelHandlerAdapter
{
    public override void ChannelActive(IChannelHandlerContext context)
    {
        if (!tryWin(context.Channel))
        {
            context.CloseAsync();
            return;
        }
        context.FireChannelActive();
        context.Channel.Pipeline.Remove(this);
    }
}
