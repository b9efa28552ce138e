using System.Xml.Linq;
using ComponentSdk.Protocols.Accept;
using ComponentSdk.Xml;
using DotNetty.Common.Utilities;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Testing;

/// <summary>The server side of one XEP-0114 connection to a <see cref="LoopbackRouter"/>.</summary>
internal sealed class RouterSession(LoopbackRouter router) : ChannelHandlerAdapter
{
    private IChannel? channel;
    private string? domain;
    private string? streamId;
    private bool authenticated;
    private bool footerReceived;
    private bool closing;

    public override void ChannelActive(IChannelHandlerContext context)
    {
        channel = context.Channel;
        context.FireChannelActive();
    }

    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        switch (message)
        {
            case StreamHeader header:
                OnHeader(context, header);
                break;
            case XElement element when !authenticated:
                OnHandshake(context, element);
                break;
            case XElement stanza when !Volatile.Read(ref closing):
                router.Route(this, domain!, stanza);
                break;
            case StreamFooter:
                footerReceived = true;
                context.WriteAndFlushAsync(StreamFooter.Instance).ContinueWith(_ => context.CloseAsync(), TaskScheduler.Default);
                break;
            default:
                ReferenceCountUtil.Release(message);
                break;
        }
    }

    public override void ExceptionCaught(IChannelHandlerContext context, Exception exception)
    {
        Exception error = exception is DotNetty.Codecs.DecoderException { InnerException: { } inner } ? inner : exception;
        StreamErrorCondition condition = error is StreamViolationException violation ? violation.Condition : StreamErrorCondition.InternalServerError;
        _ = CloseAsync(condition);
    }

    public override void ChannelInactive(IChannelHandlerContext context)
    {
        if (authenticated && domain is not null) router.Unregister(domain, this, footerReceived);
        context.FireChannelInactive();
    }

    public Task SendAsync(XElement stanza) => channel?.WriteAndFlushAsync(new XElement(stanza)) ?? Task.CompletedTask;

    public Task SendRawAsync(ReadOnlyMemory<byte> bytes) =>
        channel?.WriteAndFlushAsync(DotNetty.Buffers.Unpooled.WrappedBuffer(bytes.ToArray())) ?? Task.CompletedTask;

    public async Task CloseAsync(StreamErrorCondition? condition)
    {
        if (channel is null) return;
        Volatile.Write(ref closing, true); // like a server, nothing more from this stream is processed
        try
        {
            if (condition is { } c) _ = channel.WriteAsync(StreamError.Create(c));
            await channel.WriteAndFlushAsync(StreamFooter.Instance).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Already closed.
        }
        await channel.CloseAsync().ConfigureAwait(false);
    }

    private void OnHeader(IChannelHandlerContext context, StreamHeader header)
    {
        domain = header.To;
        streamId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        context.WriteAndFlushAsync(new StreamHeader { From = domain, Id = streamId, DefaultNamespace = Namespaces.ComponentAccept });
        if (!router.SendBeforeHandshake.IsEmpty)
            context.WriteAndFlushAsync(DotNetty.Buffers.Unpooled.WrappedBuffer(router.SendBeforeHandshake.ToArray()));
        if (header.DefaultNamespace != Namespaces.ComponentAccept)
            _ = CloseAsync(StreamErrorCondition.InvalidNamespace);
        else if (domain is null || !router.TryGetSecret(domain, out _))
            _ = CloseAsync(StreamErrorCondition.HostUnknown);
    }

    private void OnHandshake(IChannelHandlerContext context, XElement element)
    {
        if (element.Name != "handshake" || domain is null || streamId is null || !router.TryGetSecret(domain, out string secret)
            || element.Value != HandshakeDigest.Compute(streamId, secret))
        {
            _ = CloseAsync(StreamErrorCondition.NotAuthorized);
            return;
        }
        if (!router.Register(domain, this))
        {
            _ = CloseAsync(StreamErrorCondition.Conflict);
            return;
        }
        authenticated = true;
        context.WriteAndFlushAsync(new XElement("handshake"));
    }
}
