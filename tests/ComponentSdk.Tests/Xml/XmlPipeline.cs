using System.Text;
using System.Xml.Linq;
using ComponentSdk.Xml;
using DotNetty.Buffers;
using DotNetty.Codecs;
using DotNetty.Transport.Channels.Embedded;

namespace ComponentSdk.Tests.Xml;

/// <summary>A framer (optionally with the codec) on an <see cref="EmbeddedChannel"/>, fed with byte chunks.</summary>
internal sealed class XmlPipeline : IDisposable
{
    public XmlPipeline(XmlLimits? limits = null, bool withCodec = true)
    {
        Framer = new StanzaFramer(limits ?? XmlLimits.Default);
        Codec = new XmlStanzaCodec(limits ?? XmlLimits.Default);
        Channel = withCodec ? new EmbeddedChannel(Framer, Codec) : new EmbeddedChannel(Framer);
    }

    public StanzaFramer Framer { get; }

    public XmlStanzaCodec Codec { get; }

    public EmbeddedChannel Channel { get; }

    /// <summary>Everything that came out, in order: frames as strings (framer only) or decoded objects.</summary>
    public List<object> Output { get; } = [];

    /// <summary>The first exception raised, unwrapped from DotNetty's DecoderException.</summary>
    public Exception? Error { get; private set; }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public XmlPipeline Feed(string text) => Feed(Utf8(text));

    public XmlPipeline Feed(byte[] bytes) => Feed(bytes, [bytes.Length]);

    /// <summary>Feeds <paramref name="bytes"/> cut into chunks of the given sizes (the last one takes the rest).</summary>
    public XmlPipeline Feed(byte[] bytes, IEnumerable<int> chunkSizes)
    {
        int offset = 0;
        foreach (int size in chunkSizes.Append(int.MaxValue))
        {
            if (offset >= bytes.Length) break;
            int n = Math.Min(size, bytes.Length - offset);
            Write(Unpooled.CopiedBuffer(bytes, offset, n));
            offset += n;
        }
        return this;
    }

    public void Write(IByteBuffer chunk)
    {
        try
        {
            Channel.WriteInbound(chunk);
        }
        catch (Exception ex)
        {
            Error ??= Unwrap(ex);
        }
        Drain();
    }

    public void Drain()
    {
        object? message;
        while ((message = Channel.ReadInbound<object>()) is not null)
        {
            Output.Add(Describe(message));
        }
    }

    public static Exception Unwrap(Exception ex)
    {
        while (ex is DecoderException { InnerException: { } inner }) ex = inner;
        return ex;
    }

    /// <summary>Frames become comparable strings; decoded objects stay as they are.</summary>
    private static object Describe(object message)
    {
        switch (message)
        {
            case StreamHeaderFrame header:
                string text = "HEADER " + header.Content.ToString(Encoding.UTF8);
                header.Release();
                return text;
            case IByteBuffer stanza:
                string s = "STANZA " + stanza.ToString(Encoding.UTF8);
                stanza.Release();
                return s;
            case StreamFooter:
                return "FOOTER";
            case WhitespaceKeepAlive:
                return "KEEPALIVE";
            default:
                return message;
        }
    }

    public IEnumerable<XElement> Stanzas => Output.OfType<XElement>();

    public void Dispose() => Channel.CloseAsync().Wait(TimeSpan.FromSeconds(5));
}
