using System.Text;
using BenchmarkDotNet.Attributes;
using ComponentSdk.Xml;
using DotNetty.Buffers;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Embedded;

namespace ComponentSdk.Benchmarks;

/// <summary>
/// Floods of made-up attribute names, each a stanza of about 256 KiB (just under the default size limit) through a
/// fresh framer and codec: one element with thousands of attributes (refused by <see cref="XmlLimits.MaxAttributes"/>
/// before a name is made); made-up names spread over elements under that limit (refused once the stanza brought
/// <see cref="NameCache.MaxNewNamesPerStanza"/> new names); the same stanza again (its names known by then: decoded);
/// and new names once <see cref="PeerNames"/> is spent (refused at the first). One operation is one stanza.
/// </summary>
[MemoryDiagnoser]
public class HostileInputBenchmarks
{
    private const string Header = "<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' from='echo.localhost' id='b1'>";
    private const int Bytes = 250_000;

    private byte[] oneElement = [];
    private byte[] spread = [];
    private byte[][] fresh = [];
    private int next;

    [GlobalSetup]
    public void Setup()
    {
        DotNetty.Common.ResourceLeakDetector.Level = DotNetty.Common.ResourceLeakDetector.DetectionLevel.Disabled;
        oneElement = Flood("o", perElement: 15_000);
        spread = Flood("s", perElement: 100);
        fresh = [.. Enumerable.Range(0, 64).Select(i => Flood("f" + i + "_" + Guid.NewGuid().ToString("N")[..6] + "_", perElement: 100))];
        // The known-names case: the stanza's names are made once here, in pieces the per-stanza bound lets through.
        PeerNames.Capacity = int.MaxValue;
        string text = Encoding.UTF8.GetString(spread);
        foreach (string element in text.Split("<x ").Skip(1))
            Decode(Encoding.UTF8.GetBytes("<message to='a@echo.localhost'><x " + element.Replace("</message>", "") + "</message>"));
    }

    [GlobalSetup(Targets = [nameof(SpreadOverElements), nameof(KnownNamesSpreadOverElements)])]
    public void AllowEveryName()
    {
        Setup();
        PeerNames.Capacity = int.MaxValue;
    }

    [GlobalSetup(Target = nameof(NewNamesOverTheBound))]
    public void SpendTheBound()
    {
        Setup();
        PeerNames.Capacity = PeerNames.Count;
    }

    [Benchmark(Description = "one element, 15,000 attributes: refused")]
    public int OneElement() => Decode(oneElement);

    [Benchmark(Description = "new names, 100 per element: refused")]
    public int SpreadOverElements() => Decode(fresh[next++ & 63]);

    [Benchmark(Description = "known names, 100 per element: decoded")]
    public int KnownNamesSpreadOverElements() => Decode(spread);

    [Benchmark(Description = "new names, bound spent: refused")]
    public int NewNamesOverTheBound() => Decode(fresh[next++ & 63]);

    /// <summary>Frames and decodes one stanza; returns 1 when it came out as an element, 0 when it was refused.</summary>
    private static int Decode(byte[] stanza)
    {
        var sink = new Sink();
        var channel = new EmbeddedChannel(new StanzaFramer(), new XmlStanzaCodec(), sink);
        channel.Pipeline.FireChannelRead(Unpooled.CopiedBuffer(Encoding.UTF8.GetBytes(Header)));
        for (int offset = 0; offset < stanza.Length && !sink.Failed; offset += 64 * 1024)
            channel.Pipeline.FireChannelRead(Unpooled.WrappedBuffer(stanza, offset, Math.Min(64 * 1024, stanza.Length - offset)));
        channel.CloseAsync().Wait();
        return sink.Elements;
    }

    private static byte[] Flood(string tag, int perElement)
    {
        var text = new StringBuilder("<message to='a@echo.localhost'>");
        int n = 0;
        while (n == 0 || text.Length < Bytes - perElement * (tag.Length + 12))
        {
            text.Append("<x xmlns='urn:flood'");
            for (int i = 0; i < perElement; i++) text.Append(' ').Append(tag).Append(n++).Append("=''");
            text.Append("/>");
        }
        return Encoding.UTF8.GetBytes(text.Append("</message>").ToString());
    }

    private sealed class Sink : ChannelHandlerAdapter
    {
        public int Elements;
        public bool Failed;

        public override void ChannelRead(IChannelHandlerContext context, object message)
        {
            if (message is System.Xml.Linq.XElement) Elements++;
        }

        public override void ExceptionCaught(IChannelHandlerContext context, Exception exception) => Failed = true;
    }
}
