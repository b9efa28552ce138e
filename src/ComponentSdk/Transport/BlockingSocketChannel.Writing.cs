using System.Net.Sockets;
using DotNetty.Buffers;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Transport;

// Writing: on the loop, never blocking; what the socket does not take waits for it to drain.
internal sealed partial class BlockingSocketChannel
{
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
}
