using System.Text;
using System.Xml.Linq;
using ComponentSdk.Xml;
using DotNetty.Buffers;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Embedded;

namespace ComponentSdk.Tests.Xml;

/// <summary>The codec writes a burst of stanzas as one buffer per flush.</summary>
public class XmlStanzaCodecBatchingTests
{
    private static EmbeddedChannel Started()
    {
        var channel = new EmbeddedChannel(new XmlStanzaCodec());
        channel.WriteOutbound(new StreamHeader { To = "echo.localhost", DefaultNamespace = Namespaces.ComponentAccept });
        XmlStanzaCodecTests.ReadOutbound(channel);
        return channel;
    }

    private static XElement Message(int i) => new("message", new XAttribute("id", i), new XElement("body", new string('x', i % 50)));

    private static List<string> Outbound(EmbeddedChannel channel)
    {
        var buffers = new List<string>();
        while (channel.ReadOutbound<object>() is { } written)
        {
            buffers.Add(written is IByteBuffer buffer ? buffer.ToString(Encoding.UTF8) : written.ToString()!);
            DotNetty.Common.Utilities.ReferenceCountUtil.Release(written);
        }
        return buffers;
    }

    [Test]
    public void StanzasWrittenBeforeAFlushGoOutAsOneBufferInOrderAndTheirWritesCompleteThen()
    {
        EmbeddedChannel channel = Started();
        Task[] writes = [.. Enumerable.Range(0, 100).Select(i => channel.WriteAsync(Message(i)))];
        Assert.That(writes.Any(w => w.IsCompleted), Is.False, "written at the flush, not before");

        channel.Flush();

        Assert.That(Outbound(channel), Is.EqualTo(new[] { string.Concat(Enumerable.Range(0, 100).Select(i => XmlStanzaCodecTests.Encode(Message(i)))) }));
        Assert.That(writes.All(w => w.IsCompletedSuccessfully), Is.True);
    }

    [Test]
    public void WhatIsNotEncodedHereKeepsItsPlaceBehindTheBatch()
    {
        EmbeddedChannel channel = Started();
        channel.WriteAsync(Message(1));
        channel.WriteAsync(WhitespaceKeepAlive.Instance);
        channel.WriteAsync(Unpooled.CopiedBuffer("<raw/>", Encoding.UTF8));
        channel.WriteAsync(Message(2));
        channel.WriteAsync(StreamFooter.Instance);
        channel.Flush();

        Assert.That(Outbound(channel), Is.EqualTo(new[]
        {
            XmlStanzaCodecTests.Encode(Message(1)), " ", "<raw/>", XmlStanzaCodecTests.Encode(Message(2)) + "</stream:stream>",
        }));
    }

    [Test]
    public void ALargeBurstIsHandedOnEvery64KiBWithoutWaitingForTheFlush()
    {
        var below = new WriteCounter();
        var channel = new EmbeddedChannel(below, new XmlStanzaCodec());
        string body = new('y', 1000);
        for (int i = 0; i < 200; i++) channel.WriteAsync(new XElement("message", new XElement("body", body)));

        Assert.That(below.Writes, Is.EqualTo(3), "three full batches of about 64 KiB reached the handlers below before any flush");
        channel.Flush();
        List<string> buffers = Outbound(channel);

        Assert.That(buffers, Has.Count.EqualTo(4), "and the rest at the flush");
        Assert.That(buffers.Take(3).All(b => b.Length is >= 64 * 1024 and < 66 * 1024), Is.True);
        Assert.That(string.Concat(buffers), Is.EqualTo(string.Concat(Enumerable.Repeat($"<message><body>{body}</body></message>", 200))));
    }

    private sealed class WriteCounter : ChannelHandlerAdapter
    {
        public int Writes { get; private set; }

        public override Task WriteAsync(IChannelHandlerContext context, object message)
        {
            Writes++;
            return context.WriteAsync(message);
        }
    }

    [Test]
    public void ClosingBeforeTheFlushFailsTheWaitingWritesAndReleasesTheBatch()
    {
        EmbeddedChannel channel = Started();
        Task write = channel.WriteAsync(Message(1));
        channel.CloseAsync().Wait();

        Assert.That(write.IsFaulted, Is.True);
        Assert.That(write.Exception!.InnerException, Is.TypeOf<ClosedChannelException>());
        Assert.That(Outbound(channel), Is.Empty, "nothing after the close");
    }
}
