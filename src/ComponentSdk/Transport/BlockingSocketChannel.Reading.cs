using System.Net.Sockets;
using DotNetty.Buffers;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Sockets;

namespace ComponentSdk.Transport;

// Reading: the reader thread makes one read at a time when the loop asks for it and hands it to the loop.
internal sealed partial class BlockingSocketChannel
{
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
            // calls through its socket engine. A timeout or a close ends the attempt by shutting the socket down.
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
}
