using System.Xml.Linq;
using ComponentSdk;
using ComponentSdk.Xml;
using Microsoft.Extensions.Logging;

namespace Echo;

/// <summary>
/// Sends every message that has a body back to its sender: <c>from</c> and <c>to</c> swapped, the same id, type and
/// body. Ping (XEP-0199) and software version (XEP-0092) are answered by the base class.
/// </summary>
public sealed class EchoComponent(ConnectionOptions options, ILogger<EchoComponent> logger) : Component(options, logger)
{
    protected override ValueTask OnMessageAsync(XElement message, CancellationToken cancellationToken)
    {
        if (message.Element("body") is not { } body || message.Type() == "error") return ValueTask.CompletedTask;
        var echo = new XElement("message",
            new XAttribute("from", message.To() ?? ""), new XAttribute("to", message.From() ?? ""), new XElement("body", body.Value));
        if (message.Id() is { } id) echo.SetAttributeValue("id", id);
        if (message.Type() is { } type) echo.SetAttributeValue("type", type);
        return SendAsync(echo, cancellationToken);
    }
}
