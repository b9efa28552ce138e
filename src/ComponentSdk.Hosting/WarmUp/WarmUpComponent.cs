using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.Hosting.WarmUp;

/// <summary>
/// The component the warm-up drives: it echoes each message as a typical component answers one, and answers pings with
/// the built-in responder. Never the user's component, so that no user code runs against the warm-up peer.
/// </summary>
internal sealed class WarmUpComponent(ConnectionOptions options) : Component(options)
{
    protected override ValueTask OnMessageAsync(XElement message, CancellationToken cancellationToken)
    {
        if (message.Element(XmppNames.Body) is not { } body || message.From() is not { } sender) return ValueTask.CompletedTask;
        var echo = new XElement(XmppNames.Message, new XAttribute(XmppNames.To, sender), new XElement(XmppNames.Body, body.Value));
        if (message.To() is { } to) echo.SetAttributeValue(XmppNames.From, to);
        if (message.Id() is { } id) echo.SetAttributeValue(XmppNames.Id, id);
        return SendAsync(echo, cancellationToken);
    }
}
