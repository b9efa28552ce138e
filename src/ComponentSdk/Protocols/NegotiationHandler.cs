using System.Xml.Linq;
using ComponentSdk.Transport;
using ComponentSdk.Xml;
using DotNetty.Common.Concurrency;
using DotNetty.Common.Utilities;
using DotNetty.Handlers.Tls;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Protocols;

/// <summary>
/// What the four negotiations share: open the stream when the socket is up, watch the clock, turn a stream error
/// or a closed stream into a failure, and on success remove itself and fire <see cref="SessionEstablished"/> so
/// stanzas flow to the dispatch stage.
/// </summary>
internal abstract class NegotiationHandler(ConnectionContext connection) : ChannelHandlerAdapter
{
    private IScheduledTask? timeout;
    private bool finished;

    protected ConnectionContext Connection { get; } = connection;

    /// <summary>What the negotiation waits for now, for timeout and error messages.</summary>
    protected string Step { get; set; } = "the server's stream header";

    public override void ChannelActive(IChannelHandlerContext context)
    {
        timeout = context.Executor.Schedule(() => Fail(context, new NegotiationTimeoutException(Connection.Options.NegotiationTimeout, Step), null),
            Connection.Options.NegotiationTimeout);
        Connection.Status(ConnectionStatus.Connected, detail: Display(context.Channel.RemoteAddress));
        if (Connection.DirectTls) Step = "the TLS handshake"; // the header goes out once TLS is up
        else Start(context);
        context.FireChannelActive();
    }

    /// <summary>The peer's address as it was dialled: an IPv4 address, not its IPv6-mapped form on a dual-mode socket.</summary>
    private static string? Display(System.Net.EndPoint? endpoint) =>
        endpoint is System.Net.IPEndPoint { Address.IsIPv4MappedToIPv6: true } mapped
            ? new System.Net.IPEndPoint(mapped.Address.MapToIPv4(), mapped.Port).ToString()
            : endpoint?.ToString();

    /// <summary>
    /// The TLS handshake finished, direct TLS or after STARTTLS: on success the stream starts (again) inside TLS; a
    /// failure (a refused certificate) ends the negotiation.
    /// </summary>
    public override void UserEventTriggered(IChannelHandlerContext context, object evt)
    {
        if (evt is not TlsHandshakeCompletionEvent completion)
        {
            base.UserEventTriggered(context, evt);
            return;
        }
        if (!completion.IsSuccessful)
        {
            Fail(context, TlsHandlers.Failure(Connection, completion.Exception), ConnectionStatus.SslFail);
            return;
        }
        Connection.TlsEstablished = true;
        Connection.Status(ConnectionStatus.SslSuccess, detail: Connection.Tls?.Stream.SslProtocol.ToString());
        Step = "the server's stream header";
        SendHeader(context);
    }

    /// <summary>True once the negotiation succeeded or failed.</summary>
    protected bool Finished => finished;

    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        if (finished)
        {
            context.FireChannelRead(message);
            return;
        }
        switch (message)
        {
            case StreamHeader header:
                OnHeader(context, header);
                break;
            case XElement element when element.IsStreamError():
                (StreamErrorCondition condition, string? text, string? otherHost) = StreamError.Parse(element);
                OnStreamError(context, new StreamErrorException(condition, text, otherHost));
                break;
            case XElement element:
                OnElement(context, element);
                break;
            case StreamFooter:
                Fail(context, new ConnectionLostException($"The server closed the stream while we waited for {Step}."), null);
                break;
            default:
                ReferenceCountUtil.Release(message);
                break;
        }
    }

    public override void ChannelInactive(IChannelHandlerContext context)
    {
        if (!finished)
        {
            finished = true;
            timeout?.Cancel();
            Connection.SetCloseReason(new ConnectionLostException($"The connection closed while we waited for {Step}."));
        }
        context.FireChannelInactive();
    }

    /// <summary>Called when the socket is up: send the stream header (and anything else that goes first).</summary>
    protected abstract void Start(IChannelHandlerContext context);

    /// <summary>The server's stream header arrived.</summary>
    protected abstract void OnHeader(IChannelHandlerContext context, StreamHeader header);

    /// <summary>An element other than a stream error arrived during negotiation.</summary>
    protected abstract void OnElement(IChannelHandlerContext context, XElement element);

    /// <summary>The server sent a stream error during negotiation. By default the negotiation fails with it.</summary>
    protected virtual void OnStreamError(IChannelHandlerContext context, StreamErrorException error) => Fail(context, error, null);

    protected void SendHeader(IChannelHandlerContext context) => context.WriteAndFlushAsync(Connection.OutgoingHeader());

    protected void Send(IChannelHandlerContext context, XElement element) => context.WriteAndFlushAsync(element);

    /// <summary>
    /// Negotiation is complete: hand the stream to the stages after this one, with the stream management session
    /// enabled or resumed (<paramref name="resumedAt"/>: the server's count of our stanzas), if any.
    /// </summary>
    protected void Succeed(IChannelHandlerContext context, Jid jid, string? streamId, StreamManagementSession? streamManagement = null, uint? resumedAt = null)
    {
        if (finished) return;
        finished = true;
        timeout?.Cancel();
        context.FireUserEventTriggered(new SessionEstablished(jid, streamId, streamManagement, resumedAt));
        context.Channel.Pipeline.Remove(this);
    }

    /// <summary>
    /// Negotiation failed: report <paramref name="status"/> (if any) with the error, end the stream (with the stream
    /// error <paramref name="answer"/> when the server broke the protocol) and close.
    /// </summary>
    protected void Fail(IChannelHandlerContext context, Exception error, ConnectionStatus? status, StreamErrorCondition? answer = null)
    {
        if (finished) return;
        finished = true;
        timeout?.Cancel();
        Connection.SetCloseReason(error);
        if (status is { } s) Connection.Status(s, error: error);
        StreamCloser.EndStreamAndClose(context.Channel, Connection, answer is { } condition ? StreamError.Create(condition) : null);
    }
}
