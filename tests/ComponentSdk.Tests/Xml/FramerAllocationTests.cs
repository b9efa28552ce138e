using System.Text;
using ComponentSdk.Xml;
using DotNetty.Buffers;
using DotNetty.Common;
using DotNetty.Common.Utilities;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Embedded;

namespace ComponentSdk.Tests.Xml;

/// <summary>The framer scans pooled buffers in place: framing a stanza allocates nothing.</summary>
[NonParallelizable]
public class FramerAllocationTests
{
    [Test]
    public void FramingAllocatesNothingPerStanza()
    {
        ResourceLeakDetector.DetectionLevel previous = ResourceLeakDetector.Level;
        ResourceLeakDetector.Level = ResourceLeakDetector.DetectionLevel.Disabled;
        try
        {
            var sink = new CountingSink();
            var channel = new EmbeddedChannel(new StanzaFramer(), sink);
            channel.WriteInbound(Unpooled.CopiedBuffer(Encoding.UTF8.GetBytes(StanzaFramerTests.Hazards[..StanzaFramerTests.Hazards.IndexOf("<message", StringComparison.Ordinal)])));
            byte[] stanzas = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 2000).Select(i =>
                $"<message to='a@b' id='m{i}' type='chat' xml:lang='en'><body>caf\u00e9 &amp; \u20ac {i}</body><x xmlns='urn:x'/></message> ")));

            Feed(channel, stanzas); // warm up: pools, JIT tiers
            Feed(channel, stanzas);
            long before = GC.GetAllocatedBytesForCurrentThread();
            Feed(channel, stanzas);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            Assert.That(sink.Stanzas, Is.EqualTo(3 * 2000));
            Assert.That(allocated, Is.LessThan(2000), $"{allocated} bytes for 2000 stanzas in one read");
        }
        finally
        {
            ResourceLeakDetector.Level = previous;
        }
    }

    private static void Feed(EmbeddedChannel channel, byte[] bytes)
    {
        IByteBuffer buffer = PooledByteBufferAllocator.Default.Buffer(bytes.Length);
        buffer.WriteBytes(bytes);
        channel.Pipeline.FireChannelRead(buffer);
        channel.Pipeline.FireChannelReadComplete();
    }

    private sealed class CountingSink : ChannelHandlerAdapter
    {
        public int Stanzas;

        public override void ChannelRead(IChannelHandlerContext context, object message)
        {
            if (message is IByteBuffer) Stanzas++;
            ReferenceCountUtil.Release(message);
        }
    }
}
