using System.Xml.Linq;
using ComponentSdk;
using ComponentSdk.Xml;
using Microsoft.Extensions.Logging;

namespace MyComponent;

/// <summary>
/// Answers every message that has a body with the same text, from the address it was sent to. Ping, version, time and
/// disco are answered by the base class. Replace <see cref="OnMessageAsync"/> with what your component does.
/// </summary>
public sealed class EchoComponent(ConnectionOptions options, ILogger<EchoComponent> logger) : Component(options, logger)
{
    protected override ValueTask OnReadyAsync(CancellationToken cancellationToken)
    {
        Logger.LogInformation("Ready as {Jid}", Jid);
        return ValueTask.CompletedTask;
    }

    protected override ValueTask OnMessageAsync(XElement message, CancellationToken cancellationToken)
    {
        if (message.Element("body") is null || message.Type() is "error" or "groupchat") return ValueTask.CompletedTask;
        return SendAsync(message.ReplyTo(), cancellationToken);
    }
}
