using System.Collections.Concurrent;
using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.IntegrationTests;

/// <summary>A client that announces itself and, unless told not to, sends chat messages back to their sender.</summary>
internal sealed class EchoBot(ConnectionOptions options, bool echo = true) : Component(options)
{
    public ConcurrentQueue<XElement> Messages { get; } = new();

    protected override ValueTask OnReadyAsync(CancellationToken cancellationToken) => SendAsync(new XElement("presence"), cancellationToken);

    protected override async ValueTask OnMessageAsync(XElement message, CancellationToken cancellationToken)
    {
        if (message.Element("body") is null) return;
        Messages.Enqueue(message);
        if (echo && message.Type() != "error")
        {
            await SendAsync(new XElement("message", new XAttribute("to", message.From()!), new XAttribute("type", message.Type() ?? "chat"),
                new XAttribute("id", message.Id() ?? ""), new XElement("body", message.Element("body")!.Value)), cancellationToken);
        }
    }

    public Task WaitForAsync(int count, TimeSpan timeout) => TestWait.UntilAsync(() => Messages.Count >= count, $"{count} messages (have {Messages.Count})", timeout);
}
