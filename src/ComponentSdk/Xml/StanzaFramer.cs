using System.Runtime.CompilerServices;
using System.Text;
using DotNetty.Buffers;
using DotNetty.Codecs;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Xml;

/// <summary>
/// A DotNetty building block, first of the SDK's pipeline and usable in any DotNetty pipeline of your own (with
/// <see cref="XmlStanzaCodec"/> behind it). Splits an XMPP byte stream into frames, whatever the TCP chunking: a <see cref="StreamHeaderFrame"/> for the
/// stream's opening tag, one <see cref="IByteBuffer"/> per top-level element (a stanza, exactly its bytes),
/// <see cref="WhitespaceKeepAlive"/> for whitespace between stanzas, and <see cref="StreamFooter"/> for
/// <c>&lt;/stream:stream&gt;</c>.
/// </summary>
/// <remarks>
/// <para>
/// The framer parses nothing into objects; it scans the cumulated buffer in place, resuming where the previous
/// read stopped, and enforces <see cref="XmlLimits"/> before a frame is handed on, so memory stays bounded by
/// <see cref="XmlLimits.MaxStanzaBytes"/> plus one read. It rejects what RFC 6120 §11.1 forbids (DTDs, entity
/// declarations, comments, processing instructions, undefined entity references) with
/// <see cref="RestrictedXmlException"/>, invalid UTF-8, forbidden characters and <c>]]&gt;</c> in text with
/// <see cref="MalformedXmlException"/>. After an error it discards all further input.
/// </para>
/// <para>
/// It emits at most one frame per decode call, so a handler that reacts to a frame (a <c>&lt;proceed/&gt;</c>, a
/// SASL <c>&lt;success/&gt;</c>) can call <see cref="RestartStream"/> before the next byte is looked at.
/// </para>
/// <para>
/// While the channel's auto-read is off (the application is behind), frames already received are held as bytes
/// rather than handed on; firing <see cref="ResumeFraming"/> down the pipeline after turning auto-read on hands
/// them on. When the channel closes, everything received is handed on.
/// </para>
/// </remarks>
public sealed class StanzaFramer : ByteToMessageDecoder
{
    private enum Level : byte { Prolog, Stream, Closed, Failed }

    private enum Lex : byte { Text, StartTag, AttributeValue, EndTag, CData }

    private enum FrameKind : byte { Header, Stanza, Footer }

    private static readonly byte[] CDataOpen = "<![CDATA["u8.ToArray();
    private static readonly byte[] CommentOpen = "<!--"u8.ToArray();

    private readonly XmlLimits limits;
    private IChannelHandlerContext? context;
    private bool closing;

    private Level level;
    private bool declarationAllowed = true;
    private byte[]? rootName;

    // State of the frame being scanned; offsets are relative to the reader index.
    private bool inFrame;
    private FrameKind frameKind;
    private Lex lex;
    private byte quote;
    private int scanned;
    private int cdataStart;
    private int depth;
    private int endNameStart;
    private int[] openNames = new int[16];

    /// <summary>Creates a framer with <see cref="XmlLimits.Default"/>.</summary>
    public StanzaFramer() : this(XmlLimits.Default) { }

    /// <summary>Creates a framer with the given limits.</summary>
    public StanzaFramer(XmlLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.Validate();
        this.limits = limits;
    }

    /// <summary>The limits this framer enforces.</summary>
    public XmlLimits Limits => limits;

    /// <summary>How many received bytes are held, waiting for the rest of a frame. Never more than
    /// <see cref="XmlLimits.MaxStanzaBytes"/> plus one read.</summary>
    public int BufferedBytes => InternalBuffer.ReadableBytes;

    /// <summary>True once <c>&lt;/stream:stream&gt;</c> was framed; later input is discarded.</summary>
    public bool StreamClosed => level == Level.Closed;

    /// <summary>
    /// Starts a new stream (RFC 6120 §4.3.3: after STARTTLS and after SASL): the next bytes must be a stream header.
    /// With <paramref name="redirectBufferedBytes"/>, bytes already buffered behind the current frame are taken out
    /// and fed again from the head of the pipeline on the next event-loop turn, so that they pass through a TLS
    /// handler inserted just now; otherwise they are framed as the start of the new stream.
    /// </summary>
    public void RestartStream(bool redirectBufferedBytes = false)
    {
        ResetState();
        if (!redirectBufferedBytes || context is null) return;

        IByteBuffer buffered = InternalBuffer;
        if (!buffered.IsReadable()) return;

        // A copy, not a slice: the cumulation may be compacted before the re-fire runs.
        IByteBuffer rest = buffered.ReadBytes(buffered.ReadableBytes);
        IChannel channel = context.Channel;
        channel.EventLoop.Execute(() => channel.Pipeline.FireChannelRead(rest));
    }

    /// <inheritdoc />
    public override void HandlerAdded(IChannelHandlerContext context)
    {
        this.context = context;
        base.HandlerAdded(context);
    }

    /// <summary>
    /// Decodes like the base class, but hands each frame on before looking at the next byte, so that a handler
    /// reacting to a frame can restart the stream at exactly that point.
    /// </summary>
    protected override void CallDecode(IChannelHandlerContext context, IByteBuffer input, List<object> output)
    {
        while (input.IsReadable())
        {
            if (output.Count > 0)
            {
                for (int i = 0; i < output.Count; i++) context.FireChannelRead(output[i]);
                output.Clear();
                if (context.Removed || !input.IsReadable()) return;
            }
            if (!closing && !context.Channel.Configuration.AutoRead) return; // held until ResumeFraming
            int before = input.ReadableBytes;
            Decode(context, input, output);
            if (context.Removed) return;
            if (output.Count == 0 && before == input.ReadableBytes) return;
        }
    }

    /// <summary>
    /// Unlike the base class, never asks for another read because this read produced no output: this framer hands
    /// frames on as it goes, and asking would defeat the application turning auto-read off.
    /// </summary>
    public override void ChannelReadComplete(IChannelHandlerContext context)
    {
        DiscardSomeReadBytes();
        context.FireChannelReadComplete();
    }

    /// <summary>Hands on the frames held while auto-read was off when <see cref="ResumeFraming"/> arrives.</summary>
    public override void UserEventTriggered(IChannelHandlerContext context, object evt)
    {
        if (evt is not ResumeFraming)
        {
            context.FireUserEventTriggered(evt);
            return;
        }
        if (InternalBuffer.IsReadable())
        {
            ChannelRead(context, Unpooled.Empty);
            ChannelReadComplete(context);
        }
    }

    /// <inheritdoc />
    public override void ChannelInactive(IChannelHandlerContext context)
    {
        closing = true;
        base.ChannelInactive(context);
    }

    /// <inheritdoc />
    protected override void Decode(IChannelHandlerContext context, IByteBuffer input, List<object> output)
    {
        if (level is Level.Closed or Level.Failed)
        {
            input.SkipBytes(input.ReadableBytes);
            return;
        }

        try
        {
            DecodeOne(input, output);
        }
        catch (StreamViolationException)
        {
            level = Level.Failed;
            input.SkipBytes(input.ReadableBytes);
            throw;
        }
    }

    private void ResetState()
    {
        level = Level.Prolog;
        declarationAllowed = true;
        rootName = null;
        inFrame = false;
    }

    private void DecodeOne(IByteBuffer input, List<object> output)
    {
        int readable = input.ReadableBytes;
        ReadOnlySpan<byte> window = ByteBufferSpans.Readable(input, Math.Min(readable, limits.MaxStanzaBytes));

        if (!inFrame && !TryBeginFrame(input, window, output)) return;

        if (!Scan(window))
        {
            if (readable >= limits.MaxStanzaBytes) throw new StanzaTooLargeException(limits.MaxStanzaBytes);
            return;
        }

        int length = scanned;
        inFrame = false;
        switch (frameKind)
        {
            case FrameKind.Header:
                rootName = ElementName(window[..length]).ToArray();
                level = Level.Stream;
                output.Add(new StreamHeaderFrame(input.ReadRetainedSlice(length)));
                break;
            case FrameKind.Stanza:
                output.Add(input.ReadRetainedSlice(length));
                break;
            default:
                CheckFooterName(window[..length]);
                input.SkipBytes(length);
                level = Level.Closed;
                output.Add(StreamFooter.Instance);
                break;
        }
    }

    /// <summary>
    /// Handles what comes between frames. Returns true when a frame starts at the reader index; false when bytes
    /// were consumed (whitespace, a byte order mark, the XML declaration) or more bytes are needed.
    /// </summary>
    private bool TryBeginFrame(IByteBuffer input, ReadOnlySpan<byte> window, List<object> output)
    {
        int whitespace = LeadingWhitespace(window);
        if (level == Level.Stream)
        {
            if (whitespace > 0)
            {
                input.SkipBytes(whitespace);
                output.Add(WhitespaceKeepAlive.Instance);
                return false;
            }
            if (window[0] != (byte)'<') throw new MalformedXmlException("Character data is not allowed between stanzas.");
            return BeginFrame(FrameKind.Stanza);
        }

        if (declarationAllowed && window[0] == 0xEF)
        {
            if (window.Length < 3) return false;
            if (window[1] != 0xBB || window[2] != 0xBF) throw new MalformedXmlException("Invalid UTF-8 at the start of the stream.");
            input.SkipBytes(3);
            return false;
        }
        if (whitespace > 0)
        {
            input.SkipBytes(whitespace);
            declarationAllowed = false;
            return false;
        }
        if (window[0] != (byte)'<') throw new MalformedXmlException("Expected the stream header.");
        if (window.Length < 2) return false;
        if (window[1] != (byte)'?') return BeginFrame(FrameKind.Header);

        if (!declarationAllowed) throw new RestrictedXmlException("Processing instructions are not allowed on an XMPP stream.");
        if (window.Length < 6) return false;
        if (!window.StartsWith("<?xml"u8) || !XmlChars.IsWhitespace(window[5]))
            throw new RestrictedXmlException("Processing instructions are not allowed on an XMPP stream.");
        int end = window.IndexOf("?>"u8);
        if (end < 0)
        {
            if (window.Length >= limits.MaxStanzaBytes) throw new StanzaTooLargeException(limits.MaxStanzaBytes);
            return false;
        }
        XmlDeclaration.Validate(window[..(end + 2)]);
        input.SkipBytes(end + 2);
        declarationAllowed = false;
        return false;
    }

    private bool BeginFrame(FrameKind kind)
    {
        inFrame = true;
        frameKind = kind;
        lex = Lex.Text;
        scanned = 0;
        depth = 0;
        return true;
    }

    /// <summary>
    /// Scans from <see cref="scanned"/>; true when the frame ends at <see cref="scanned"/>. Only the bytes that
    /// <see cref="StructuralMask"/> marks are looked at one by one; runs of ordinary bytes are skipped 64 at a time.
    /// </summary>
    private bool Scan(ReadOnlySpan<byte> buffer)
    {
        int pos = scanned;
        try
        {
            while (pos < buffer.Length)
            {
                ulong mask = StructuralMask.Of(buffer[pos..]);
                int blockEnd = Math.Min(pos + StructuralMask.BlockSize, buffer.Length);
                while (mask != 0)
                {
                    int at = pos + System.Numerics.BitOperations.TrailingZeroCount(mask);
                    int next = Step(buffer, at);
                    if (next == Complete) { pos = at; return true; }
                    if (next == NeedMore) { pos = at; return false; }
                    if (next - pos >= StructuralMask.BlockSize) { blockEnd = next; break; }
                    mask &= ~0UL << (next - pos);
                }
                pos = blockEnd;
            }
            return false;
        }
        finally
        {
            // On completion Step left the end of the frame in frameEnd.
            scanned = frameEnd >= 0 ? frameEnd : pos;
            frameEnd = -1;
        }
    }

    private const int Complete = -1;
    private const int NeedMore = -2;
    private int frameEnd = -1;

    /// <summary>
    /// Handles the marked byte at <paramref name="at"/>: returns where to go on scanning, <see cref="Complete"/>
    /// (the frame ends at <see cref="frameEnd"/>) or <see cref="NeedMore"/> (look at <paramref name="at"/> again
    /// when more bytes arrived).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // called for every structural byte
    private int Step(ReadOnlySpan<byte> buffer, int at)
    {
        byte b = buffer[at];
        if (b < 0x20)
        {
            if (b is (byte)'\t' or (byte)'\n' or (byte)'\r') return at + 1;
            throw new MalformedXmlException("A control character that XML 1.0 does not allow was received.");
        }
        if (b == 0xEF)
        {
            // U+FFFE and U+FFFF are valid UTF-8 but not XML characters: EF BF BE, EF BF BF.
            if (at + 2 >= buffer.Length) return NeedMore;
            if (buffer[at + 1] == 0xBF && buffer[at + 2] >= 0xBE) throw new MalformedXmlException("U+FFFE and U+FFFF are not XML characters.");
            return at + 1;
        }

        switch (lex)
        {
            case Lex.Text:
                if (b == (byte)'<') return OpenTag(buffer, at);
                if (b == (byte)'&') return Reference(buffer, at);
                if (b == (byte)'>' && at >= 2 && buffer[at - 1] == (byte)']' && buffer[at - 2] == (byte)']')
                    throw new MalformedXmlException("']]>' is not allowed in character data.");
                return at + 1;

            case Lex.StartTag:
                switch (b)
                {
                    case (byte)'>':
                        return CloseStartTag(at + 1, empty: false);
                    case (byte)'/':
                        if (at + 1 == buffer.Length) return NeedMore;
                        if (buffer[at + 1] != (byte)'>') throw new MalformedXmlException("'/' inside a tag must be followed by '>'.");
                        return CloseStartTag(at + 2, empty: true);
                    case (byte)'"' or (byte)'\'':
                        quote = b;
                        lex = Lex.AttributeValue;
                        return at + 1;
                    case (byte)'<':
                        throw new MalformedXmlException("'<' inside a tag.");
                    default:
                        return at + 1;
                }

            case Lex.AttributeValue:
                if (b == quote)
                {
                    lex = Lex.StartTag;
                    return at + 1;
                }
                if (b == (byte)'<') throw new MalformedXmlException("'<' inside an attribute value.");
                if (b == (byte)'&') return Reference(buffer, at);
                return at + 1;

            case Lex.EndTag:
                if (b != (byte)'>') return at + 1;
                if (frameKind == FrameKind.Footer) return End(at + 1);
                CheckEndTagName(buffer, at);
                if (--depth == 0) return End(at + 1);
                lex = Lex.Text;
                return at + 1;

            default: // CData
                if (b == (byte)'>' && at >= 2 && buffer[at - 1] == (byte)']' && buffer[at - 2] == (byte)']' && at - 2 >= cdataStart)
                    lex = Lex.Text;
                return at + 1;
        }
    }

    private int End(int end)
    {
        frameEnd = end;
        return Complete;
    }

    /// <summary>Classifies the tag that starts with the '&lt;' at <paramref name="at"/>.</summary>
    private int OpenTag(ReadOnlySpan<byte> buffer, int at)
    {
        if (at + 1 == buffer.Length) return NeedMore;
        byte b = buffer[at + 1];
        if (b == (byte)'/')
        {
            if (depth == 0)
            {
                if (frameKind != FrameKind.Stanza || level != Level.Stream) throw new MalformedXmlException("Unexpected end tag.");
                frameKind = FrameKind.Footer;
            }
            lex = Lex.EndTag;
            endNameStart = at + 2;
            return at + 2;
        }
        if (b == (byte)'!') return Markup(buffer, at);
        if (b == (byte)'?') throw new RestrictedXmlException("Processing instructions are not allowed on an XMPP stream.");
        if (!XmlChars.IsNameStartByte(b)) throw new MalformedXmlException("Invalid character after '<'.");
        if (++depth > limits.MaxDepth) throw new NestingTooDeepException(limits.MaxDepth);
        if (depth == openNames.Length) Array.Resize(ref openNames, Math.Min(depth * 2, limits.MaxDepth + 1));
        openNames[depth] = at + 1;
        lex = Lex.StartTag;
        return at + 1;
    }

    /// <summary>Called past the '&gt;' of a start tag.</summary>
    private int CloseStartTag(int next, bool empty)
    {
        if (frameKind == FrameKind.Header)
        {
            if (empty) throw new MalformedXmlException("The stream element must not be empty.");
            return End(next);
        }
        if (empty && --depth == 0) return End(next);
        lex = Lex.Text;
        return next;
    }

    private static int Reference(ReadOnlySpan<byte> buffer, int at) =>
        XmlChars.CheckReference(buffer[at..], out int length, out _) switch
        {
            XmlChars.Reference.Valid => at + length,
            XmlChars.Reference.Incomplete => NeedMore,
            XmlChars.Reference.Undefined => throw new RestrictedXmlException("References to undefined entities are not allowed on an XMPP stream."),
            _ => throw new MalformedXmlException("Malformed entity or character reference."),
        };

    /// <summary>Classifies <c>&lt;!</c> at <paramref name="at"/>: only CDATA inside a stanza is allowed.</summary>
    private int Markup(ReadOnlySpan<byte> buffer, int at)
    {
        ReadOnlySpan<byte> markup = buffer[at..];
        if (markup.Length < 3) return NeedMore;
        if (markup[2] == (byte)'-')
        {
            if (markup.Length < CommentOpen.Length) return NeedMore;
            if (markup.StartsWith(CommentOpen)) throw new RestrictedXmlException("Comments are not allowed on an XMPP stream.");
            throw new MalformedXmlException("Malformed markup after '<!'.");
        }
        if (markup[2] == (byte)'[')
        {
            int available = Math.Min(markup.Length, CDataOpen.Length);
            if (!markup[..available].SequenceEqual(CDataOpen.AsSpan(0, available)))
                throw new MalformedXmlException("Malformed markup after '<!'.");
            if (available < CDataOpen.Length) return NeedMore;
            if (depth == 0) throw new MalformedXmlException("CDATA is not allowed between stanzas.");
            lex = Lex.CData;
            cdataStart = at + CDataOpen.Length;
            return cdataStart;
        }
        if (markup[2] is >= (byte)'A' and <= (byte)'Z')
            throw new RestrictedXmlException("Document type and entity declarations are not allowed on an XMPP stream.");
        throw new MalformedXmlException("Malformed markup after '<!'.");
    }

    /// <summary>
    /// Refuses an end tag that does not close the open element as soon as its '&gt;' arrives, so a peer cannot hold
    /// a frame open with mismatched tags.
    /// </summary>
    private void CheckEndTagName(ReadOnlySpan<byte> buffer, int closingBracket)
    {
        ReadOnlySpan<byte> end = buffer[endNameStart..closingBracket];
        int length = 0;
        while (length < end.Length && !XmlChars.IsWhitespace(end[length])) length++;
        for (int i = length; i < end.Length; i++)
        {
            if (!XmlChars.IsWhitespace(end[i])) throw new MalformedXmlException("Malformed end tag.");
        }
        ReadOnlySpan<byte> open = buffer[openNames[depth]..];
        if (!open.StartsWith(end[..length]) || (open.Length > length && !IsNameEnd(open[length])))
        {
            throw new MalformedXmlException($"The end tag '{Encoding.UTF8.GetString(end[..length])}' does not match the open element.");
        }
    }

    private static bool IsNameEnd(byte b) => XmlChars.IsWhitespace(b) || b is (byte)'>' or (byte)'/';

    private void CheckFooterName(ReadOnlySpan<byte> footer)
    {
        // footer = "</" name whitespace* ">"
        ReadOnlySpan<byte> inner = footer[2..^1];
        int end = 0;
        while (end < inner.Length && !XmlChars.IsWhitespace(inner[end])) end++;
        for (int i = end; i < inner.Length; i++)
        {
            if (!XmlChars.IsWhitespace(inner[i])) throw new MalformedXmlException("Malformed end tag for the stream.");
        }
        if (!inner[..end].SequenceEqual(rootName))
        {
            throw new MalformedXmlException(
                $"The end tag '{Encoding.UTF8.GetString(inner[..end])}' does not close the stream element.");
        }
    }

    private static ReadOnlySpan<byte> ElementName(ReadOnlySpan<byte> tag)
    {
        int end = 1;
        while (end < tag.Length && !XmlChars.IsWhitespace(tag[end]) && tag[end] != (byte)'>' && tag[end] != (byte)'/') end++;
        return tag[1..end];
    }

    private static int LeadingWhitespace(ReadOnlySpan<byte> window)
    {
        int count = 0;
        while (count < window.Length && XmlChars.IsWhitespace(window[count])) count++;
        return count;
    }
}
