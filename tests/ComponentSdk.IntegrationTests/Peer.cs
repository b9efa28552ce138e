using System.Collections.Concurrent;
using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.IntegrationTests;

/// <summary>A component for the tests: collects the messages it gets and, when asked, echoes them.</summary>
internal sealed class Peer(ConnectionOptions options, bool echo = false) : Component(options)
{
    public ConcurrentQueue<XElement> Messages { get; } = new();

    protected override async ValueTask OnMessageAsync(XElement message, CancellationToken cancellationToken)
    {
        Messages.Enqueue(message);
        if (echo && message.Type() != "error") await SendAsync(message.ReplyTo(), cancellationToken);
    }

    public Task WaitForAsync(int count, TimeSpan timeout) =>
        TestWait.UntilAsync(() => Messages.Count >= count,
            () => $"{count} messages at {Options.Hostname} (have {Messages.Count}; ready {IsReady}, queued {QueuedStanzas.Count}, unconfirmed {UnconfirmedCount})",
            timeout);
}
