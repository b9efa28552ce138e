using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ComponentSdk.Tests.Support;
using ComponentSdk.Transport;
using DotNetty.Buffers;
using DotNetty.Transport.Bootstrapping;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Tests.Transport;

[CancelAfter(30_000)]
public class BlockingSocketChannelTests : ComponentSdk.Tests.Components.RouterFixture
{
    private InlineEventLoop loop = null!;

    [SetUp]
    public void CreateLoop()
    {
        if (!BlockingSocketChannel.IsSupported) Assert.Ignore("The channel exists on Linux only; elsewhere connections use DotNetty's.");
        loop = new InlineEventLoop(null, "loop of the channel under test");
    }

    [TearDown]
    public Task ShutDownLoop() => loop?.ShutdownGracefullyAsync(TimeSpan.Zero, TimeSpan.Zero) ?? Task.CompletedTask;

    /// <summary>Keeps every byte read, in order.</summary>
    private sealed class ByteSink : ChannelHandlerAdapter
    {
        private readonly MemoryStream received = new();

        public int Count { get { lock (received) return (int)received.Length; } }

        public byte[] Bytes { get { lock (received) return received.ToArray(); } }

        public TaskCompletionSource Inactive { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void ChannelRead(IChannelHandlerContext context, object message)
        {
            var buffer = (IByteBuffer)message;
            lock (received) buffer.ReadBytes(received, buffer.ReadableBytes);
            buffer.Release();
        }

        public override void ChannelInactive(IChannelHandlerContext context)
        {
            Inactive.TrySetResult();
            context.FireChannelInactive();
        }
    }

    private Bootstrap Client(IChannelHandler handler, TimeSpan? connectTimeout = null) => new Bootstrap()
        .Group(loop)
        .ChannelFactory(() => new BlockingSocketChannel())
        .Option(ChannelOption.ConnectTimeout, connectTimeout ?? TimeSpan.FromSeconds(10))
        .Handler(handler);

    private Task<LoopbackSocketPair> ConnectAsync(IChannelHandler handler) => LoopbackSocketPair.ConnectAsync(Client(handler));

    /// <summary>The process's threads whose name (15 characters of it, as Linux keeps them) is the reader's.</summary>
    private static int ReaderThreads() => Directory.EnumerateDirectories("/proc/self/task").Count(IsReaderThread);

    /// <remarks>A thread may end between listing the tasks and reading its name; an ended thread is no reader.</remarks>
    private static bool IsReaderThread(string task)
    {
        try
        {
            return File.ReadAllText(Path.Combine(task, "comm")).StartsWith("ComponentSdk so", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException)
        {
            return false;
        }
    }

    private static byte[] Pattern(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 % 251)).ToArray();

    [Test]
    public async Task ReadsArriveInOrderAndThePeerClosingClosesTheChannel()
    {
        var sink = new ByteSink();
        await using LoopbackSocketPair pair = await ConnectAsync(sink);
        (IChannel client, Socket peer) = pair;
        byte[] sent = Pattern(300_000);
        for (int offset = 0; offset < sent.Length; offset += 1_000) await peer.SendAsync(sent.AsMemory(offset, 1_000));
        await TestComponent.Until(() => sink.Count == sent.Length, null, "every byte");
        Assert.That(sink.Bytes, Is.EqualTo(sent));

        peer.Dispose();
        await sink.Inactive.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await client.CloseCompletion.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(client.Open, Is.False);
    }

    [Test]
    public async Task BytesReadAfterReadingWasTurnedOffWaitUntilItIsTurnedOnAgain()
    {
        var sink = new ByteSink();
        await using LoopbackSocketPair pair = await ConnectAsync(sink);
        (IChannel client, Socket peer) = pair;
        // The reader is already waiting in recv for the next read when reading is turned off.
        await loop.SubmitAsync(() => client.Configuration.AutoRead = false);
        await peer.SendAsync("held"u8.ToArray());
        await Task.Delay(300);
        Assert.That(sink.Count, Is.Zero, "nothing handed on while reading is off");

        await loop.SubmitAsync(() => client.Configuration.AutoRead = true);
        await TestComponent.Until(() => sink.Count == 4, null, "the held bytes");
        await peer.SendAsync("more"u8.ToArray());
        await TestComponent.Until(() => sink.Count == 8, null, "the next bytes");
        Assert.That(sink.Bytes, Is.EqualTo("heldmore"u8.ToArray()), "once each, in order");
    }

    [Test]
    public async Task AWriteTheSocketCannotTakeAtOnceGoesOutOnceThePeerReads([Values("one buffer", "many buffers", "a composite buffer")] string shape)
    {
        await using LoopbackSocketPair pair = await ConnectAsync(new ByteSink());
        (IChannel client, Socket peer) = pair;
        byte[] sent = Pattern(16_000_000); // far more than both socket buffers hold
        IByteBuffer[] parts = Enumerable.Range(0, 1_600).Select(i => Unpooled.WrappedBuffer(sent, i * 10_000, 10_000)).ToArray();
        Task written = loop.SubmitAsync(() =>
        {
            switch (shape)
            {
                case "one buffer":
                    return client.WriteAndFlushAsync(Unpooled.WrappedBuffer(sent));
                case "many buffers": // gathered into each send
                    foreach (IByteBuffer part in parts[..^1]) _ = client.WriteAsync(part);
                    return client.WriteAndFlushAsync(parts[^1]);
                default: // one entry of many segments, more than a send gathers
                    CompositeByteBuffer composite = Unpooled.CompositeBuffer(parts.Length);
                    composite.AddComponents(true, parts);
                    Assert.That(composite.IoBufferCount, Is.EqualTo(parts.Length));
                    return client.WriteAndFlushAsync(composite);
            }
        }).Unwrap();
        await Task.Delay(300);
        Assert.That(written.IsCompleted, Is.False, "the write waits while the peer does not read");

        var received = new byte[sent.Length];
        int total = 0;
        while (total < received.Length)
        {
            int n = await peer.ReceiveAsync(received.AsMemory(total));
            Assert.That(n, Is.GreaterThan(0), "the connection stays open");
            total += n;
        }
        await written.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(received, Is.EqualTo(sent), "every byte once, in order");
    }

    [Test]
    public async Task ClosingWhileTheReaderWaitsInRecvEndsIt()
    {
        var sink = new ByteSink();
        await using LoopbackSocketPair pair = await ConnectAsync(sink);
        (IChannel client, Socket peer) = pair;
        await client.CloseAsync().WaitAsync(TimeSpan.FromSeconds(5));
        await sink.Inactive.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(await peer.ReceiveAsync(new byte[1]), Is.Zero, "the peer sees the connection closed");
    }

    [Test]
    public async Task ARefusedConnectionFailsWithTheSocketError()
    {
        using var unused = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        unused.Bind(new IPEndPoint(IPAddress.Loopback, 0)); // bound, never listening: connections are refused
        ConnectException? error = await Assert.ThrowsAsync<ConnectException>(() => Client(new ByteSink()).ConnectAsync(unused.LocalEndPoint!));
        Assert.That((error!.InnerException as SocketException)?.SocketErrorCode, Is.EqualTo(SocketError.ConnectionRefused));
    }

    [Test]
    public async Task TheConnectTimeoutEndsAnAttemptNobodyAnswers()
    {
        // A listener whose queue is full drops further SYNs, so the connect neither succeeds nor fails by itself.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var fillers = new List<Socket>();
        try
        {
            for (int i = 0; i < 4; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
                try { filler.Connect(listener.LocalEndPoint!); } catch (SocketException) { /* in progress */ }
                fillers.Add(filler);
            }
            await Task.Delay(200);

            int readers = ReaderThreads();
            var clock = Stopwatch.StartNew();
            var bootstrap = Client(new ByteSink(), TimeSpan.FromMilliseconds(300));
            await Assert.ThrowsAsync<ConnectTimeoutException>(() => bootstrap.ConnectAsync(listener.LocalEndPoint!));
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)));
            await TestComponent.Until(() => ReaderThreads() < readers + 1, null, "the reader thread to give up its connect and end");
        }
        finally
        {
            foreach (Socket filler in fillers) filler.Dispose();
        }
    }

    [Test]
    public async Task ADedicatedConnectionReadsOnAThreadOfItsOwnAndASharedOneDoesNot(CancellationToken cancellationToken)
    {
        int before = ReaderThreads();
        ConnectionOptions dedicated = Router.OptionsFor("echo.localhost");
        dedicated.Transport = TransportMode.Dedicated;
        await using (var component = new TestComponent(dedicated))
        {
            await component.ConnectAsync(cancellationToken);
            Assert.That(ReaderThreads(), Is.EqualTo(before + 1));
        }
        await using var shared = new TestComponent(Router.OptionsFor("echo2.localhost"));
        await shared.ConnectAsync(cancellationToken);
        await TestComponent.Until(() => ReaderThreads() == before, null, "the dedicated reader gone, none for the shared connection");
    }
}
