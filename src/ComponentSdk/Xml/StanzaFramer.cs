using System.Text;
using System.Text.Unicode;
using DotNetty.Buffers;
using DotNetty.Codecs;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Xml;

/// <summary>
/// Splits an XMPP byte stream into frames, whatever the TCP chunking: a <see cref="StreamHeaderFrame"/> for the
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
/// <see cref="RestrictedXmlException"/>, invalid UTF-8 and forbidden characters with
/// <see cref="MalformedXmlException"/>. After an error it discards all further input.
/// </para>
/// <para>
/// It emits at most one frame per decode call, so a handler that reacts to a frame (a <c>&lt;proceed/&gt;</c>, a
/// SASL <c>&lt;success/&gt;</c>) can call <see cref="RestartStream"/> before the next byte is looked at.
/// </para>
/// </remarks>
public sealed class StanzaFramer : ByteToMessageDecoder
{
    private enum Level : byte { Prolog, Stream, Closed, Failed }

    private enum Lex : byte { TagOpen, StartTag, AttributeValue, EndTag, Text, Markup, CData, Reference }

    private enum FrameKind : byte { Header, Stanza, Footer }

    private static readonly byte[] CDataOpen = "<![CDATA["u8.ToArray();
    private static readonly byte[] CommentOpen = "<!--"u8.ToArray();

    private readonly XmlLimits limits;
    private IChannelHandlerContext? context;

    private Level level;
    private bool declarationAllowed = true;
    private byte[]? rootName;

    // State of the frame being scanned; offsets are relative to the reader index.
    private bool inFrame;
    private FrameKind frameKind;
    private Lex lex;
    private Lex resumeAfterReference;
    private byte quote;
    private int scanned;
    private int tagStart;
    private int referenceStart;
    private int depth;

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
            int before = input.ReadableBytes;
            Decode(context, input, output);
            if (context.Removed) return;
            if (output.Count == 0 && before == input.ReadableBytes) return;
        }
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
        ValidateCharacters(window[..length]);
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
        ValidateCharacters(window[..(end + 2)]);
        XmlDeclaration.Validate(window[..(end + 2)]);
        input.SkipBytes(end + 2);
        declarationAllowed = false;
        return false;
    }

    private bool BeginFrame(FrameKind kind)
    {
        inFrame = true;
        frameKind = kind;
        lex = Lex.TagOpen;
        tagStart = 0;
        scanned = 1;
        depth = 0;
        return true;
    }

    /// <summary>Scans from <see cref="scanned"/>; true when the frame ends at <see cref="scanned"/>.</summary>
    private bool Scan(ReadOnlySpan<byte> buffer)
    {
        int pos = scanned;
        try
        {
            while (pos < buffer.Length)
            {
                switch (lex)
                {
                    case Lex.TagOpen:
                        if (OpenTag(buffer, ref pos)) return true;
                        break;

                    case Lex.StartTag:
                    {
                        int i = buffer[pos..].IndexOfAny(XmlChars.TagDelimiters);
                        if (i < 0) { pos = buffer.Length; break; }
                        pos += i;
                        byte b = buffer[pos];
                        if (b == (byte)'/')
                        {
                            if (pos + 1 == buffer.Length) return false;
                            if (buffer[pos + 1] != (byte)'>') throw new MalformedXmlException("'/' inside a tag must be followed by '>'.");
                            pos += 2;
                            if (CloseStartTag(empty: true)) return true;
                            break;
                        }
                        pos++;
                        if (b == (byte)'>')
                        {
                            if (CloseStartTag(empty: false)) return true;
                        }
                        else if (b == (byte)'<') throw new MalformedXmlException("'<' inside a tag.");
                        else { quote = b; lex = Lex.AttributeValue; }
                        break;
                    }

                    case Lex.AttributeValue:
                    {
                        int i = buffer[pos..].IndexOfAny(quote, (byte)'<', (byte)'&');
                        if (i < 0) { pos = buffer.Length; break; }
                        pos += i;
                        byte b = buffer[pos];
                        if (b == quote) { pos++; lex = Lex.StartTag; }
                        else if (b == (byte)'<') throw new MalformedXmlException("'<' inside an attribute value.");
                        else BeginReference(pos++, Lex.AttributeValue);
                        break;
                    }

                    case Lex.EndTag:
                    {
                        int i = buffer[pos..].IndexOf((byte)'>');
                        if (i < 0) { pos = buffer.Length; break; }
                        pos += i + 1;
                        if (frameKind == FrameKind.Footer) return true;
                        if (--depth == 0) return true;
                        lex = Lex.Text;
                        break;
                    }

                    case Lex.Text:
                    {
                        int i = buffer[pos..].IndexOfAny((byte)'<', (byte)'&');
                        if (i < 0) { pos = buffer.Length; break; }
                        pos += i;
                        if (buffer[pos] == (byte)'&') BeginReference(pos++, Lex.Text);
                        else { tagStart = pos++; lex = Lex.TagOpen; }
                        break;
                    }

                    case Lex.Reference:
                        switch (XmlChars.CheckReference(buffer[referenceStart..], out int length, out _))
                        {
                            case XmlChars.Reference.Valid:
                                pos = referenceStart + length;
                                lex = resumeAfterReference;
                                break;
                            case XmlChars.Reference.Undefined:
                                throw new RestrictedXmlException("References to undefined entities are not allowed on an XMPP stream.");
                            case XmlChars.Reference.Malformed:
                                throw new MalformedXmlException("Malformed entity or character reference.");
                            default:
                                pos = buffer.Length;
                                break;
                        }
                        break;

                    case Lex.Markup:
                        if (!Markup(buffer, ref pos)) pos = buffer.Length;
                        break;

                    case Lex.CData:
                    {
                        int i = buffer[pos..].IndexOf("]]>"u8);
                        if (i < 0) { pos = Math.Max(pos, buffer.Length - 2); return false; }
                        pos += i + 3;
                        lex = Lex.Text;
                        break;
                    }
                }
            }
            return false;
        }
        finally
        {
            scanned = pos;
        }
    }

    private bool OpenTag(ReadOnlySpan<byte> buffer, ref int pos)
    {
        byte b = buffer[pos];
        if (b == (byte)'/')
        {
            if (depth == 0)
            {
                if (frameKind != FrameKind.Stanza || level != Level.Stream) throw new MalformedXmlException("Unexpected end tag.");
                frameKind = FrameKind.Footer;
            }
            pos++;
            lex = Lex.EndTag;
        }
        else if (b == (byte)'!')
        {
            pos++;
            lex = Lex.Markup;
        }
        else if (b == (byte)'?')
        {
            throw new RestrictedXmlException("Processing instructions are not allowed on an XMPP stream.");
        }
        else if (XmlChars.IsNameStartByte(b))
        {
            if (++depth > limits.MaxDepth) throw new NestingTooDeepException(limits.MaxDepth);
            pos++;
            lex = Lex.StartTag;
        }
        else
        {
            throw new MalformedXmlException("Invalid character after '<'.");
        }
        return false;
    }

    /// <summary>Called at the '&gt;' of a start tag; true when that completes the frame.</summary>
    private bool CloseStartTag(bool empty)
    {
        if (frameKind == FrameKind.Header)
        {
            if (empty) throw new MalformedXmlException("The stream element must not be empty.");
            return true;
        }
        if (empty && --depth == 0) return true;
        lex = Lex.Text;
        return false;
    }

    private void BeginReference(int position, Lex resume)
    {
        referenceStart = position;
        resumeAfterReference = resume;
        lex = Lex.Reference;
    }

    /// <summary>Classifies <c>&lt;!</c> at <see cref="tagStart"/>; false when more bytes are needed.</summary>
    private bool Markup(ReadOnlySpan<byte> buffer, ref int pos)
    {
        ReadOnlySpan<byte> markup = buffer[tagStart..];
        if (markup.Length < 3) return false;
        if (markup[2] == (byte)'-')
        {
            if (markup.Length < CommentOpen.Length) return false;
            if (markup.StartsWith(CommentOpen)) throw new RestrictedXmlException("Comments are not allowed on an XMPP stream.");
            throw new MalformedXmlException("Malformed markup after '<!'.");
        }
        if (markup[2] == (byte)'[')
        {
            int available = Math.Min(markup.Length, CDataOpen.Length);
            if (!markup[..available].SequenceEqual(CDataOpen.AsSpan(0, available)))
                throw new MalformedXmlException("Malformed markup after '<!'.");
            if (available < CDataOpen.Length) return false;
            if (depth == 0) throw new MalformedXmlException("CDATA is not allowed between stanzas.");
            pos = tagStart + CDataOpen.Length;
            lex = Lex.CData;
            return true;
        }
        if (markup[2] is >= (byte)'A' and <= (byte)'Z')
            throw new RestrictedXmlException("Document type and entity declarations are not allowed on an XMPP stream.");
        throw new MalformedXmlException("Malformed markup after '<!'.");
    }

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

    private static void ValidateCharacters(ReadOnlySpan<byte> frame)
    {
        if (!Utf8.IsValid(frame)) throw new MalformedXmlException("The stream is not valid UTF-8.");
        if (frame.IndexOfAny(XmlChars.ForbiddenControlBytes) >= 0)
            throw new MalformedXmlException("A control character that XML 1.0 does not allow was received.");

        // U+FFFE and U+FFFF are valid UTF-8 but not XML characters: EF BF BE, EF BF BF.
        int offset = 0;
        int i;
        while ((i = frame[offset..].IndexOf((byte)0xEF)) >= 0)
        {
            offset += i;
            if (offset + 2 < frame.Length && frame[offset + 1] == 0xBF && frame[offset + 2] >= 0xBE)
                throw new MalformedXmlException("U+FFFE and U+FFFF are not XML characters.");
            offset++;
        }
    }
}
