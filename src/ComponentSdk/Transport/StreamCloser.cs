using System.Xml.Linq;
using ComponentSdk.Xml;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Transport;

/// <summary>Ends our side of a stream: an optional stream error, <c>&lt;/stream:stream&gt;</c>, then the socket.</summary>
internal static class StreamCloser
{
    /// <summary>How long a peer may take to read our closing tags and close its side before the socket is closed anyway.</summary>
    public static readonly TimeSpan FlushGrace = TimeSpan.FromSeconds(1);

    public static void EndStreamAndClose(IChannel channel, ConnectionContext connection, XElement? streamError = null)
    {
        if (!connection.MarkFooterSent() || !channel.Active)
        {
            channel.CloseAsync();
            return;
        }
        channel.EventLoop.Schedule(static state => ((IChannel)state!).CloseAsync(), channel, FlushGrace);
        if (streamError is not null)
        {
            // A peer we complain about may still be sending (a 10 MB stanza): closing a socket with unread input makes
            // the kernel send a reset, which can destroy our stream error before the peer reads it. So the socket stays
            // open, input discarded by the failed framer, until the peer closes on our closing tag or the grace ends.
            channel.WriteAsync(streamError);
            channel.WriteAndFlushAsync(StreamFooter.Instance);
            return;
        }
        // The write completes on the event loop once flushed; closing right there keeps the order.
        channel.WriteAndFlushAsync(StreamFooter.Instance).ContinueWith(static (_, state) => ((IChannel)state!).CloseAsync(), channel,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
