using System.Xml.Linq;
using ComponentSdk.Protocols.Accept;
using ComponentSdk.Xml;
using DotNetty.Common.Utilities;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Hosting.WarmUp;

/// <summary>
/// One warm-up connection, server side: accepts the handshake, then keeps <see cref="Window"/> stanzas in flight
/// (nine messages to one ping) until the component has answered <c>stanzas</c> of them. What the component addresses
/// to itself (the checks of acknowledged delivery) goes back to it, as a router would route it.
/// </summary>
internal sealed class WarmUpSession(string domain, string secret, int stanzas, TaskCompletionSource completion) : ChannelHandlerAdapter
{
    /// <summary>Stanzas in flight: enough to keep both sides busy, as under load.</summary>
    private const int Window = 500;

    private static readonly string Body = new('x', 256);
    private static readonly XName Ping = XName.Get("ping", "urn:xmpp:ping");

    private const string Sender = "warm-up@localhost/load";
    private string? streamId;
    private bool authenticated;
    private int sent;
    private int answered;

    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        switch (message)
        {
            case StreamHeader header:
                streamId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
                context.WriteAsync(new StreamHeader { From = header.To, Id = streamId, DefaultNamespace = Namespaces.ComponentAccept });
                break;
            case XElement handshake when !authenticated:
                if (handshake.Name.LocalName != "handshake" || streamId is null || handshake.Value != HandshakeDigest.Compute(streamId, secret))
                {
                    Fail(context, new InvalidOperationException("the warm-up component was not accepted"));
                    return;
                }
                authenticated = true;
                context.WriteAsync(new XElement("handshake"));
                while (sent < Math.Min(Window, stanzas)) SendNext(context);
                break;
            case XElement stanza:
                OnStanza(context, stanza);
                break;
            case StreamFooter:
                context.WriteAndFlushAsync(StreamFooter.Instance).ContinueWith(_ => context.CloseAsync(), TaskScheduler.Default);
                break;
            default:
                ReferenceCountUtil.Release(message);
                break;
        }
    }

    public override void ChannelReadComplete(IChannelHandlerContext context) => context.Flush();

    public override void ExceptionCaught(IChannelHandlerContext context, Exception exception) => Fail(context, exception);

    public override void ChannelInactive(IChannelHandlerContext context)
    {
        completion.TrySetException(new InvalidOperationException($"the warm-up connection closed after {answered:N0} of {stanzas:N0} answers"));
        context.FireChannelInactive();
    }

    private void OnStanza(IChannelHandlerContext context, XElement stanza)
    {
        if (string.Equals(stanza.To(), domain, StringComparison.OrdinalIgnoreCase))
        {
            context.WriteAsync(stanza); // to itself: a delivery check, routed back
            return;
        }
        if (stanza.To() != Sender) return;
        if (++answered == stanzas)
        {
            completion.TrySetResult();
            return;
        }
        if (sent < stanzas) SendNext(context);
    }

    private void SendNext(IChannelHandlerContext context)
    {
        string id = "w" + sent.ToString(System.Globalization.CultureInfo.InvariantCulture);
        XElement stanza = ++sent % 10 == 0
            ? new XElement(XmppNames.Iq, new XAttribute(XmppNames.From, Sender), new XAttribute(XmppNames.To, domain),
                new XAttribute(XmppNames.Type, "get"), new XAttribute(XmppNames.Id, id), new XElement(Ping))
            : new XElement(XmppNames.Message, new XAttribute(XmppNames.From, Sender), new XAttribute(XmppNames.To, "load@" + domain),
                new XAttribute(XmppNames.Type, "chat"), new XAttribute(XmppNames.Id, id), new XElement(XmppNames.Body, Body));
        context.WriteAsync(stanza);
    }

    private void Fail(IChannelHandlerContext context, Exception error)
    {
        completion.TrySetException(error);
        context.CloseAsync();
    }
}
