using System.Xml.Linq;
using ComponentSdk;
using ComponentSdk.Xml;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WebhookGateway;

/// <summary>
/// The XMPP side of the gateway: turns accepted webhook calls into chat messages from <c>hooks@its-domain</c>, and tells
/// anyone who writes back that nobody reads replies here.
/// </summary>
public sealed class GatewayComponent(ConnectionOptions options, IOptions<GatewayOptions> gateway, ILogger<GatewayComponent> logger)
    : Component(options, logger)
{
    private readonly string sender = $"{gateway.Value.Sender}@{options.Hostname}";

    /// <summary>Sends <paramref name="body"/> to <paramref name="to"/>; returns the message id.</summary>
    public async Task<string> ForwardAsync(Jid to, string body, string? subject, CancellationToken cancellationToken)
    {
        string id = "hook-" + Guid.NewGuid().ToString("N")[..12];
        var message = new XElement("message", new XAttribute("to", to.ToString()), new XAttribute("from", sender),
            new XAttribute("type", "chat"), new XAttribute("id", id),
            subject is null ? null : new XElement("subject", subject), new XElement("body", body));
        await SendAsync(message, cancellationToken).ConfigureAwait(false);
        return id;
    }

    protected override ValueTask OnMessageAsync(XElement message, CancellationToken cancellationToken)
    {
        if (message.Element("body") is null || message.Type() is "error" or "groupchat" || message.From() is null) return ValueTask.CompletedTask;
        return SendAsync(new XElement("message", new XAttribute("to", message.From()!), new XAttribute("from", message.To() ?? sender),
            new XAttribute("type", message.Type() ?? "chat"), new XElement("body", "This address only sends notifications; replies are not read.")), cancellationToken);
    }
}
