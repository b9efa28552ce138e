using System.Xml.Linq;
using ComponentSdk;
using ComponentSdk.Xml;
using Microsoft.Extensions.Logging;

namespace Echo;

/// <summary>
/// Sends every message that has a body back to its sender: <c>from</c> and <c>to</c> swapped, the same id, type and
/// body. Ping (XEP-0199) and software version (XEP-0092) are answered by the base class. It works unchanged as a
/// component (Accept, Jabberd2) and as a user (Client, Legacy): then it announces itself with a presence and lets
/// the server stamp the sender.
/// </summary>
public sealed class EchoComponent(ConnectionOptions options, ILogger<EchoComponent> logger) : Component(options, logger)
{
    private readonly bool isUser = options.ConnectionType is ConnectionType.Client or ConnectionType.Legacy;

    protected override ValueTask OnReadyAsync(CancellationToken cancellationToken) =>
        isUser ? SendAsync(new XElement("presence"), cancellationToken) : ValueTask.CompletedTask;

    protected override ValueTask OnMessageAsync(XElement message, CancellationToken cancellationToken)
    {
        if (message.Element(XmppNames.Body) is not { } body || message.Type() is "error" or "groupchat" || message.From() is not { } sender)
            return ValueTask.CompletedTask;
        var echo = new XElement(XmppNames.Message, new XAttribute(XmppNames.To, sender), new XElement(XmppNames.Body, body.Value));
        if (!isUser && message.To() is { } to) echo.SetAttributeValue(XmppNames.From, to);
        if (message.Id() is { } id) echo.SetAttributeValue(XmppNames.Id, id);
        if (message.Type() is { } type) echo.SetAttributeValue(XmppNames.Type, type);
        return SendAsync(echo, cancellationToken);
    }
}
