using System.Net;
using System.Net.Sockets;
using DotNetty.Buffers;
using DotNetty.Common.Concurrency;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Sockets;
using DnTaskCompletionSource = DotNetty.Common.Concurrency.TaskCompletionSource;

namespace ComponentSdk.Transport;

/// <summary>
/// A TCP channel whose socket is read by a thread of its own, blocked in <c>recv</c>, instead of through .NET's
/// asynchronous socket engine. Each read then costs the one system call that returns the bytes, where the engine
/// spends three (<c>epoll_wait</c>, the read, and a peek that finds nothing before waiting again); on a virtual
/// machine that is most of what a lone round trip costs beyond the kernel's own work. The reader hands each read to
/// the event loop, on its own thread when the loop is free (see <see cref="InlineEventLoop"/>). Writes never block:
/// they go out with <c>MSG_DONTWAIT</c>, and what the socket does not take waits for it to drain on the thread pool.
/// Linux only (<see cref="IsSupported"/>); elsewhere connections use DotNetty's <see cref="TcpSocketChannel"/>.
/// </summary>
internal sealed partial class BlockingSocketChannel : AbstractChannel, ISocketChannel
{
    private const int StagingBytes = 64 * 1024;
    private static readonly ChannelMetadata ChannelMetadata = new(false, 16);
    private static readonly Action<object, object> DeliverReadAction = static (channel, _) => ((BlockingSocketChannel)channel).DeliverRead();
    private static readonly Action<object, object> FinishConnectAction = static (channel, failure) => ((BlockingSocketChannel)channel).FinishConnect(failure as Exception);
    private static readonly Action<object, object> ConnectTimedOutAction = static (channel, remote) => ((BlockingSocketChannel)channel).ConnectTimedOut((EndPoint)remote);
    private static readonly Action<object, object> DeliverParkedAction = static (channel, _) => ((BlockingSocketChannel)channel).DeliverParked();
    private static readonly Action<object, object> ResumeWritingAction = static (channel, _) => ((BlockingSocketChannel)channel).ResumeWriting();

    private readonly Socket socket;
    private readonly DefaultSocketChannelConfiguration configuration;
    private readonly ManualResetEventSlim readWanted = new(false, spinCount: 0);
    private byte[]? staging; // gathers a write of several buffers into one send
    private volatile bool open = true;
    private volatile bool active;
    private volatile bool readRequested; // set on the loop to start the reader's next read, taken by the reader
    private bool readPending; // on the loop: the pipeline asked for a read (DotNetty's read-pending flag)
    private bool reading; // on the loop: the reader is making a read that the loop has not received yet
    private ReadResult? parked; // a read made before reading was turned off, held until it is asked for again
    private bool parkedScheduled;
    private DnTaskCompletionSource? connectPromise;
    private IScheduledTask? connectTimeout;
    private EndPoint? remoteAddress;
    private ReadResult? received; // the read the reader hands to the loop: one at a time
    private bool waitingToWrite;
    private bool readerStarted;
    private int socketHolders = 2; // the channel until closed, and the reader thread until it ends

    public BlockingSocketChannel()
        : base(null)
    {
        socket = new Socket(SocketType.Stream, ProtocolType.Tcp); // dual mode: IPv6 and IPv4
        configuration = new ReadingConfiguration(this, socket);
    }

    /// <summary>True where this channel works (Linux).</summary>
    public static bool IsSupported => NonBlockingSend.IsSupported;

    public override IChannelConfiguration Configuration => configuration;

    public override bool Open => open;

    public override bool Active => active;

    public override ChannelMetadata Metadata => ChannelMetadata;

    protected override EndPoint? LocalAddressInternal => open ? socket.LocalEndPoint : null;

    protected override EndPoint? RemoteAddressInternal => active ? remoteAddress : null;

    protected override IChannelUnsafe NewUnsafe() => new BlockingUnsafe(this);

    protected override bool IsCompatible(IEventLoop eventLoop) => true;

    protected override void DoBind(EndPoint localAddress) => socket.Bind(localAddress);

    protected override void DoDisconnect() => DoClose();

    protected override void DoClose()
    {
        if (!open) return;
        open = false;
        active = false;
        try
        {
            // Wakes the reader out of recv or connect. Disposing a socket with a thread blocked in it would instead
            // make .NET reset the connection, and the peer could lose what was written last.
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Not connected (yet, or any more).
        }
        LetGoOfSocket();
        if (!readerStarted) LetGoOfSocket(); // closed before any connect: nobody else will
        parked?.Buffer.Release();
        parked = null;
        readRequested = true;
        readWanted.Set(); // or out of waiting for a read to be wanted
    }

    /// <summary>The loop's close and the reader's exit each let go once; the second closes the socket.</summary>
    private void LetGoOfSocket()
    {
        if (Interlocked.Decrement(ref socketHolders) == 0) socket.Dispose();
    }

    private void RunOnLoop(Action<object, object> action, object state)
    {
        if (EventLoop is InlineEventLoop loop) loop.ExecuteInline(action, this, state);
        else EventLoop.Execute(action, this, state);
    }

    private void ConnectTimedOut(EndPoint remote)
    {
        if (connectPromise?.TrySetException(new ConnectTimeoutException($"connection timed out: {remote}")) == true) Unsafe.CloseForcibly();
    }

    private void FinishConnect(Exception? failure)
    {
        connectTimeout?.Cancel();
        if (connectPromise is not { } promise || promise.Task.IsCompleted) return; // timed out, and closed
        connectPromise = null;
        if (failure is null && !open) failure = new ClosedChannelException();
        if (failure is not null)
        {
            promise.TrySetException(failure is SocketException ? new ConnectException($"connection failed: {remoteAddress}", failure) : failure);
            Unsafe.CloseForcibly();
            return;
        }
        active = true;
        Pipeline.FireChannelActive();
        promise.TryComplete();
    }

    private sealed class BlockingUnsafe(BlockingSocketChannel owner) : AbstractUnsafe(owner)
    {
        public override Task ConnectAsync(EndPoint remoteAddress, EndPoint localAddress)
        {
            if (!owner.open) return CreateClosedChannelExceptionTask();
            if (owner.connectPromise is not null || owner.remoteAddress is not null)
                return Task.FromException(new InvalidOperationException("A connection attempt was already made."));
            if (localAddress is not null) owner.socket.Bind(localAddress);
            owner.remoteAddress = remoteAddress;
            owner.connectPromise = new DnTaskCompletionSource(remoteAddress);
            var reader = new Thread(owner.Run) { IsBackground = true, Name = "ComponentSdk socket reader" };
            owner.readerStarted = true;
            reader.Start();
            TimeSpan timeout = owner.configuration.ConnectTimeout;
            if (timeout > TimeSpan.Zero) owner.connectTimeout = owner.EventLoop.Schedule(ConnectTimedOutAction, owner, remoteAddress, timeout);
            return owner.connectPromise.Task;
        }

        /// <summary>Writes what was flushed while the socket was full.</summary>
        public void FlushPending() => Flush0();
    }
}
