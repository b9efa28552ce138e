using System.Xml.Linq;
using ComponentSdk.Xml;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Transport;

/// <summary>Ends our side of a stream: an optional stream error, <c>&lt;/stream:stream&gt;</c>, then the socket once they are flushed.</summary>
internal static class StreamCloser
{
    /// <summary>How long a peer that stops reading may hold our closing tags before the socket is closed anyway.</summary>
    public static readonly TimeSpan FlushGrace = TimeSpan.FromSeconds(1);

    public static void EndStreamAndClose(IChannel channel, ConnectionContext connection, XElement? streamError = null)
    {
        if (!connection.MarkFooterSent() || !channel.Active)
        {
            channel.CloseAsync();
            return;
        }
        if (streamError is not null) channel.WriteAsync(streamError);
        // The write completes on the event loop once flushed; closing right there keeps the order.
        channel.WriteAndFlushAsync(StreamFooter.Instance).ContinueWith(static (_, state) => ((IChannel)state!).CloseAsync(), channel,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        channel.EventLoop.Schedule(static state => ((IChannel)state!).CloseAsync(), channel, FlushGrace);
    }
}
