using ComponentSdk.Dispatch;
using ComponentSdk.Xml;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Runtime;

/// <summary>
/// Backpressure on what arrives: the connection stops reading from the socket while the application is more than
/// <see cref="LimitOptions.MaxInboundBacklog"/> stanzas behind, and starts again at half.
/// </summary>
internal sealed class ReadingControl(ComponentState state, Dispatcher dispatcher)
{
    /// <summary>The inbound backlog crossed a mark: pause or resume reading, decided on the connection's event loop.</summary>
    public void Update()
    {
        Session? current;
        lock (state.Gate) current = state.Session;
        if (current?.Connection.Channel is not { } channel) return;
        if (channel.EventLoop.InEventLoop) Apply(channel);
        else channel.EventLoop.Execute(static (control, channel) => ((ReadingControl)control).Apply((IChannel)channel), this, channel);
    }

    /// <summary>
    /// On the event loop, from the backlog as it is now: a pause and a resume asked for from two threads can arrive
    /// in either order, and deciding from the request would leave reading off for good if the pause came last.
    /// </summary>
    private void Apply(IChannel channel)
    {
        int depth = dispatcher.Depth;
        bool reading = channel.Configuration.AutoRead;
        if (reading && depth > dispatcher.HighWater)
        {
            channel.Configuration.AutoRead = false;
        }
        else if (!reading && depth <= dispatcher.HighWater)
        {
            // A backlog that rose again past the mark stays paused; its next fall to half asks again.
            channel.Configuration.AutoRead = true;
            channel.Pipeline.FireUserEventTriggered(ResumeFraming.Instance);
        }
    }
}
