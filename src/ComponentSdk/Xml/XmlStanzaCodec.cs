using System.Xml.Linq;
using DotNetty.Buffers;
using DotNetty.Common.Utilities;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Xml;

/// <summary>
/// A DotNetty building block, behind <see cref="StanzaFramer"/> in the SDK's pipeline and usable in any DotNetty
/// pipeline of your own. Turns frames from <see cref="StanzaFramer"/> into objects and objects into bytes. Inbound: a
/// <see cref="StreamHeaderFrame"/> becomes a <see cref="StreamHeader"/>, a stanza's bytes an
/// <see cref="XElement"/> (content namespaces removed, payload namespaces kept); <see cref="StreamFooter"/> and
/// <see cref="WhitespaceKeepAlive"/> pass through. Outbound: <see cref="StreamHeader"/>, <see cref="XElement"/>,
/// <see cref="StreamFooter"/> and <see cref="WhitespaceKeepAlive"/> become UTF-8 in pooled buffers, one per
/// flush for a burst of writes.
/// </summary>
public sealed class XmlStanzaCodec : ChannelDuplexHandler
{
    private readonly StanzaParser parser;
    private readonly StanzaWriter writer = new();
    private bool failed;
    private IByteBuffer? pending; // encoded since the last flush
    private TaskCompletionSource? pendingWritten;

    private const int InitialBatchBytes = 4 * 1024;
    private const int MaxBatchBytes = 64 * 1024;

    /// <summary>Creates a codec with the default limits.</summary>
    public XmlStanzaCodec()
        : this(XmlLimits.Default)
    {
    }

    /// <summary>Creates a codec that enforces <paramref name="limits"/> while building elements (<see cref="XmlLimits.MaxAttributes"/>).</summary>
    public XmlStanzaCodec(XmlLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.Validate();
        parser = new StanzaParser(limits);
    }

    /// <summary>The header the peer sent on the current stream, or null before it arrived.</summary>
    public StreamHeader? PeerHeader { get; private set; }

    /// <summary>The header we sent on the current stream, or null before it was written.</summary>
    public StreamHeader? LocalHeader { get; private set; }

    /// <summary>
    /// The namespace outgoing top-level elements in no namespace are written in. Defaults to the default namespace
    /// of <see cref="LocalHeader"/> each time a header is written; jabberd2 sets <c>jabber:client</c> afterwards.
    /// </summary>
    public string StanzaNamespace
    {
        get => writer.StanzaNamespace;
        set => writer.StanzaNamespace = value;
    }

    /// <summary>Forgets the peer's header: the next inbound frame must open a new stream (RFC 6120 §4.3.3).</summary>
    public void RestartStream()
    {
        parser.Reset();
        PeerHeader = null;
        failed = false;
    }

    /// <summary>
    /// Decodes one frame. After a frame fails to decode the stream is over: what the framer had already framed
    /// behind it is discarded, never handed on after the error.
    /// </summary>
    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        if (failed)
        {
            ReferenceCountUtil.Release(message);
            return;
        }
        try
        {
            Decode(context, message);
        }
        catch (StreamViolationException)
        {
            failed = true;
            throw;
        }
    }

    private void Decode(IChannelHandlerContext context, object message)
    {
        switch (message)
        {
            case StreamHeaderFrame frame:
            {
                StreamHeader header;
                try
                {
                    header = parser.ParseHeader(ByteBufferSpans.Readable(frame.Content));
                }
                finally
                {
                    frame.Release();
                }
                PeerHeader = header;
                context.FireChannelRead(header);
                break;
            }
            case IByteBuffer bytes:
            {
                XElement stanza;
                try
                {
                    if (!parser.HasHeader) throw new MalformedXmlException("A stanza arrived before the stream header.");
                    stanza = parser.ParseStanza(ByteBufferSpans.Readable(bytes));
                }
                finally
                {
                    bytes.Release();
                }
                context.FireChannelRead(stanza);
                break;
            }
            default:
                context.FireChannelRead(message);
                break;
        }
    }

    /// <summary>
    /// Encodes <see cref="XElement"/>, <see cref="StreamHeader"/> and <see cref="StreamFooter"/> into one pooled buffer
    /// per flush (handed on at the flush, or when it reaches 64 KiB): a burst of stanzas costs the handlers below one
    /// write, not one each. The task of each write completes when its buffer has been written. Anything else is passed
    /// on in order, behind what is waiting.
    /// </summary>
    public override Task WriteAsync(IChannelHandlerContext context, object message)
    {
        try
        {
            switch (message)
            {
                case XElement stanza:
                    writer.WriteStanza(stanza);
                    break;
                case StreamHeader header:
                    writer.StanzaNamespace = header.DefaultNamespace;
                    writer.WriteHeader(header);
                    LocalHeader = header;
                    break;
                case StreamFooter:
                    writer.WriteFooter();
                    break;
                case WhitespaceKeepAlive:
                    WritePending(context);
                    return context.WriteAsync(Unpooled.WrappedBuffer(KeepAliveBytes));
                default:
                    WritePending(context);
                    return context.WriteAsync(message);
            }
        }
        catch (Exception ex)
        {
            return Task.FromException(ex);
        }

        ArraySegment<byte> bytes = writer.WrittenSegment;
        IByteBuffer buffer = pending ??= context.Allocator.Buffer(Math.Max(bytes.Count, InitialBatchBytes));
        buffer.WriteBytes(bytes.Array, bytes.Offset, bytes.Count);
        // Continuations run where the batch's write completes, as they would on DotNetty's own promise (handlers such as
        // IdleStateHandler attach one per write and ask for it to run synchronously).
        Task written = (pendingWritten ??= new TaskCompletionSource()).Task;
        if (buffer.ReadableBytes >= MaxBatchBytes) WritePending(context);
        return written;
    }

    /// <inheritdoc />
    public override void Flush(IChannelHandlerContext context)
    {
        WritePending(context);
        context.Flush();
    }

    /// <inheritdoc />
    public override Task CloseAsync(IChannelHandlerContext context)
    {
        FailPending(new ClosedChannelException());
        return context.CloseAsync();
    }

    /// <inheritdoc />
    public override void HandlerRemoved(IChannelHandlerContext context)
    {
        FailPending(new ClosedChannelException());
        base.HandlerRemoved(context);
    }

    /// <summary>Hands the batch on (unflushed, as the writes were).</summary>
    private void WritePending(IChannelHandlerContext context)
    {
        if (pending is not { } buffer) return;
        TaskCompletionSource done = pendingWritten!;
        pending = null;
        pendingWritten = null;
        Task written = context.WriteAsync(buffer);
        if (written.IsCompleted) done.TrySetFromTask(written);
        else written.ContinueWith(static (write, state) => ((TaskCompletionSource)state!).TrySetFromTask(write), done,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void FailPending(Exception error)
    {
        if (pending is not { } buffer) return;
        pending = null;
        buffer.Release();
        pendingWritten!.TrySetException(error);
        pendingWritten = null;
    }

    private static readonly byte[] KeepAliveBytes = " "u8.ToArray();
}
