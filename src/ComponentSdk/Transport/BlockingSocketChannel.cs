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
internal sealed class BlockingSocketChannel : AbstractChannel, ISocketChannel
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

    /// <summary>On the loop: the pipeline wants a read. The reader starts one, or a read already made is handed on.</summary>
    protected override void DoBeginRead()
    {
        if (!open) return;
        readPending = true;
        if (parked is not null)
        {
            if (!parkedScheduled)
            {
                parkedScheduled = true;
                EventLoop.Execute(DeliverParkedAction, this, this);
            }
            return;
        }
        if (reading) return;
        reading = true;
        readRequested = true;
        readWanted.Set();
    }

    protected override void DoWrite(ChannelOutboundBuffer input)
    {
        if (waitingToWrite) return;
        while (input.Size != 0)
        {
            List<ArraySegment<byte>> segments = input.GetSharedBufferList(1024, StagingBytes);
            try
            {
                if (segments.Count == 0)
                {
                    input.Remove(); // an empty buffer
                    continue;
                }
                ReadOnlySpan<byte> bytes = segments.Count == 1 ? segments[0].AsSpan() : Stage(segments);
                int sent = NonBlockingSend.Send(socket.SafeHandle, bytes);
                if (sent > 0) input.RemoveBytes(sent);
                if (sent < bytes.Length)
                {
                    WaitUntilWritable();
                    return;
                }
            }
            finally
            {
                segments.Clear();
            }
        }
    }

    /// <summary>Copies as much of <paramref name="segments"/> as the staging buffer holds; the rest goes in the next send.</summary>
    private ReadOnlySpan<byte> Stage(List<ArraySegment<byte>> segments)
    {
        staging ??= new byte[StagingBytes];
        int length = 0;
        foreach (ArraySegment<byte> segment in segments)
        {
            int count = Math.Min(segment.Count, StagingBytes - length);
            segment.AsSpan(0, count).CopyTo(staging.AsSpan(length));
            length += count;
            if (length == StagingBytes) break;
        }
        return staging.AsSpan(0, length);
    }

    /// <summary>Only bytes reach the socket; the pipeline's codec has turned everything else into them.</summary>
    protected override object FilterOutboundMessage(object msg) =>
        msg is IByteBuffer ? msg : throw new NotSupportedException($"Only byte buffers can be written to a socket, not {msg.GetType().Name}.");

    /// <summary>The socket took part of a write: the rest goes out once it drains. Rare, so a pool thread polls.</summary>
    private void WaitUntilWritable()
    {
        waitingToWrite = true;
        ThreadPool.UnsafeQueueUserWorkItem(static channel =>
        {
            try
            {
                while (channel.open && !channel.socket.Poll(100_000, SelectMode.SelectWrite)) { }
            }
            catch (ObjectDisposedException)
            {
                // Closed meanwhile: ResumeWriting finds it closed.
            }
            channel.EventLoop.Execute(ResumeWritingAction, channel, channel);
        }, this, preferLocal: false);
    }

    private void ResumeWriting()
    {
        waitingToWrite = false;
        ((BlockingUnsafe)Unsafe).FlushPending();
    }

    /// <summary>The loop's close and the reader's exit each let go once; the second closes the socket.</summary>
    private void LetGoOfSocket()
    {
        if (Interlocked.Decrement(ref socketHolders) == 0) socket.Dispose();
    }

    /// <summary>The reader thread: connects, then reads whenever a read is wanted until the channel closes.</summary>
    private void Run()
    {
        try
        {
            ConnectAndRead();
        }
        finally
        {
            LetGoOfSocket();
        }
    }

    private void ConnectAndRead()
    {
        try
        {
            // Blocking, like the reads: once a .NET socket has been non-blocking it stays so and emulates blocking
            // calls through its socket engine. A timeout or a close ends the attempt by closing the socket.
            socket.Connect(remoteAddress!);
        }
        catch (Exception ex)
        {
            RunOnLoop(FinishConnectAction, ex);
            return;
        }
        RunOnLoop(FinishConnectAction, this);

        IRecvByteBufAllocatorHandle allocation = Unsafe.RecvBufAllocHandle;
        while (true)
        {
            while (!readRequested)
            {
                readWanted.Wait();
                readWanted.Reset();
            }
            if (!open) return;
            readRequested = false;

            allocation.Reset(configuration);
            IByteBuffer buffer = allocation.Allocate(configuration.Allocator);
            ArraySegment<byte> target = buffer.GetIoBuffer(buffer.WriterIndex, buffer.WritableBytes);
            int count;
            SocketError error;
            try
            {
                count = socket.Receive(target.Array!, target.Offset, target.Count, SocketFlags.None, out error);
            }
            catch (ObjectDisposedException)
            {
                (count, error) = (0, SocketError.OperationAborted);
            }
            allocation.LastBytesRead = count;
            allocation.IncMessagesRead(1);
            allocation.ReadComplete();
            received = new ReadResult(buffer, count, error);
            RunOnLoop(DeliverReadAction, this);
            if (error != SocketError.Success || count == 0) return;
        }
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

    /// <summary>On the loop: takes the reader's read, and hands it on if the pipeline still wants it.</summary>
    private void DeliverRead()
    {
        ReadResult read = received.GetValueOrDefault();
        received = null;
        reading = false;
        if (!open)
        {
            read.Buffer.Release();
            return;
        }
        if (readPending) Fire(read);
        else parked = read; // reading was turned off while the reader waited in recv: as if still in the socket
    }

    private void DeliverParked()
    {
        parkedScheduled = false;
        if (parked is not { } read || !readPending || !open) return;
        parked = null;
        Fire(read);
    }

    private void Fire(ReadResult read)
    {
        readPending = false;
        if (read.Error != SocketError.Success || read.Count == 0)
        {
            read.Buffer.Release();
            Pipeline.FireChannelReadComplete();
            if (read.Error != SocketError.Success) Pipeline.FireExceptionCaught(new SocketException((int)read.Error));
            Unsafe.CloseAsync();
            return;
        }
        read.Buffer.SetWriterIndex(read.Buffer.WriterIndex + read.Count);
        Pipeline.FireChannelRead(read.Buffer);
        Pipeline.FireChannelReadComplete();
        if (configuration.AutoRead) DoBeginRead();
    }

    private readonly record struct ReadResult(IByteBuffer Buffer, int Count, SocketError Error);

    /// <summary>Turning auto-read off also withdraws a read asked for but not yet handed on, as in DotNetty's channels.</summary>
    private sealed class ReadingConfiguration(BlockingSocketChannel channel, Socket socket) : DefaultSocketChannelConfiguration(channel, socket)
    {
        protected override void AutoReadCleared()
        {
            if (channel.EventLoop is not { } loop || loop.InEventLoop) channel.readPending = false;
            else loop.Execute(static state => ((BlockingSocketChannel)state).readPending = false, channel);
        }
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
