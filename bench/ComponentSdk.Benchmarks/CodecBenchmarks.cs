using System.Xml.Linq;
using BenchmarkDotNet.Attributes;
using ComponentSdk.Xml;
using DotNetty.Buffers;
using DotNetty.Transport.Channels.Embedded;

namespace ComponentSdk.Benchmarks;

/// <summary>
/// The two lowest pipeline stages inside a DotNetty pipeline: 1,000 messages of about 300 bytes fed in 1 KiB
/// pooled buffers (as reads from a socket), and 1,000 messages encoded. One operation is one stanza.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class CodecBenchmarks
{
    public const int Stanzas = 1000;
    private const int ChunkSize = 1024;

    private byte[] stream = [];
    private EmbeddedChannel framerChannel = null!;
    private EmbeddedChannel decodeChannel = null!;
    private EmbeddedChannel encodeChannel = null!;
    private XElement[] elements = [];

    /// <summary>Bytes per stanza, for the MB/s column (computed in the host process too).</summary>
    public static double BytesPerStanza { get; } = (double)StanzaCorpus.Messages(Stanzas).Length / Stanzas;

    [GlobalSetup]
    public void Setup()
    {
        // As in a component process: DotNetty's sampling leak detector is off unless asked for.
        DotNetty.Common.ResourceLeakDetector.Level = DotNetty.Common.ResourceLeakDetector.DetectionLevel.Disabled;
        stream = StanzaCorpus.Messages(Stanzas);

        framerChannel = Open(new StanzaFramer(), new InboundSink());
        decodeChannel = Open(new StanzaFramer(), new XmlStanzaCodec(), new InboundSink());

        encodeChannel = new EmbeddedChannel(new OutboundSink(), new XmlStanzaCodec());
        encodeChannel.WriteAndFlushAsync(new StreamHeader { To = "echo.localhost", DefaultNamespace = Namespaces.ComponentAccept }).Wait();
        var decoder = new List<XElement>();
        var collect = Open(new StanzaFramer(), new XmlStanzaCodec());
        Feed(collect);
        object? message;
        while ((message = collect.ReadInbound<object>()) is not null)
        {
            if (message is XElement e) decoder.Add(e);
        }
        elements = [.. decoder];
    }

    private static EmbeddedChannel Open(params DotNetty.Transport.Channels.IChannelHandler[] handlers)
    {
        var channel = new EmbeddedChannel(handlers);
        channel.Pipeline.FireChannelRead(Unpooled.CopiedBuffer(System.Text.Encoding.UTF8.GetBytes(StanzaCorpus.Header)));
        return channel;
    }

    private void Feed(EmbeddedChannel channel)
    {
        for (int offset = 0; offset < stream.Length; offset += ChunkSize)
        {
            int length = Math.Min(ChunkSize, stream.Length - offset);
            IByteBuffer chunk = PooledByteBufferAllocator.Default.Buffer(length);
            chunk.WriteBytes(stream, offset, length);
            channel.Pipeline.FireChannelRead(chunk);
        }
        channel.Pipeline.FireChannelReadComplete();
    }

    [Benchmark(OperationsPerInvoke = Stanzas, Description = "framer")]
    public void Framer() => Feed(framerChannel);

    [Benchmark(OperationsPerInvoke = Stanzas, Description = "framer+decode")]
    public void FramerAndDecode() => Feed(decodeChannel);

    [Benchmark(OperationsPerInvoke = Stanzas, Description = "encode")]
    public void Encode()
    {
        foreach (XElement element in elements) encodeChannel.WriteAsync(element);
        encodeChannel.Flush();
    }
}
