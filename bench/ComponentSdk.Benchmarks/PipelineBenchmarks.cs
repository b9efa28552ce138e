using System.Text;
using System.Xml.Linq;
using BenchmarkDotNet.Attributes;
using ComponentSdk.Transport;
using ComponentSdk.Xml;
using DotNetty.Buffers;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Embedded;

namespace ComponentSdk.Benchmarks;

/// <summary>
/// An echo component's whole path for one stanza, without a socket: the same 1,000 messages as
/// <see cref="CodecBenchmarks"/>, in 1 KiB reads, through the production pipeline (framer, codec, negotiation,
/// liveness, dispatch), the component's handler, <see cref="Component.SendAsync"/>, the outbound pump and the
/// encoder, to bytes. Handlers run on the event loop, so all of it happens on the benchmark's thread; what this
/// adds to framer+decode and encode is the dispatch layer's cost. One operation is one stanza in and its echo out.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class PipelineBenchmarks
{
    private byte[] stream = [];
    private EmbeddedChannel channel = null!;
    private OutboundSink sink = null!;
    private Component component = null!;

    [GlobalSetup]
    public void Setup()
    {
        DotNetty.Common.ResourceLeakDetector.Level = DotNetty.Common.ResourceLeakDetector.DetectionLevel.Disabled;
        stream = StanzaCorpus.Messages(CodecBenchmarks.Stanzas);
        channel = new EmbeddedChannel();
        var options = new ConnectionOptions
        {
            Host = "127.0.0.1", Port = 5347, Hostname = "echo.localhost", Password = "secret", RunHandlersOnEventLoop = true,
            Liveness = { PingInterval = TimeSpan.Zero, KeepAliveInterval = TimeSpan.Zero },
        };
        component = new EchoingComponent(options, channel.EventLoop);
        Task connected = component.ConnectOverAsync(channel);
        while (channel.Pipeline.Get(PipelineNames.Dispatch) is null) Thread.Yield(); // attached, perhaps on another thread
        channel.Pipeline.FireChannelActive(); // the pipeline was built on an active channel: start the stream

        PlayRouter(StanzaCorpus.Header);
        PlayRouter("<handshake/>");
        if (!connected.Wait(TimeSpan.FromSeconds(10))) throw new InvalidOperationException("The component did not become ready.");
        while (channel.ReadOutbound<object>() is { } written) DotNetty.Common.Utilities.ReferenceCountUtil.Release(written);
        sink = new OutboundSink();
        channel.Pipeline.AddFirst("sink", sink);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (sink.Bytes == 0) throw new InvalidOperationException("Nothing was echoed: the benchmark measured nothing.");
    }

    private void PlayRouter(string xml)
    {
        channel.WriteInbound(Unpooled.CopiedBuffer(Encoding.UTF8.GetBytes(xml)));
        channel.RunPendingTasks();
    }

    [Benchmark(OperationsPerInvoke = CodecBenchmarks.Stanzas, Description = "framer+decode+dispatch+encode")]
    public void Echo()
    {
        for (int offset = 0; offset < stream.Length; offset += 1024)
        {
            int length = Math.Min(1024, stream.Length - offset);
            IByteBuffer chunk = PooledByteBufferAllocator.Default.Buffer(length);
            chunk.WriteBytes(stream, offset, length);
            channel.Pipeline.FireChannelRead(chunk);
        }
        channel.Pipeline.FireChannelReadComplete();
        channel.RunPendingTasks(); // the outbound pump: one write burst and flush, as after a socket read
    }

    /// <summary>Echo's handler: the body back to the sender, addresses swapped, same id and type.</summary>
    private sealed class EchoingComponent(ConnectionOptions options, IEventLoopGroup eventLoop) : Component(options, null, eventLoop)
    {
        protected override ValueTask OnMessageAsync(XElement message, CancellationToken cancellationToken)
        {
            if (message.Element(XmppNames.Body) is not { } body || message.From() is not { } sender) return ValueTask.CompletedTask;
            var echo = new XElement(XmppNames.Message, new XAttribute(XmppNames.To, sender), new XElement(XmppNames.Body, body.Value));
            if (message.To() is { } to) echo.SetAttributeValue(XmppNames.From, to);
            if (message.Id() is { } id) echo.SetAttributeValue(XmppNames.Id, id);
            if (message.Type() is { } type) echo.SetAttributeValue(XmppNames.Type, type);
            return SendAsync(echo, cancellationToken);
        }
    }
}
