using ComponentSdk;

namespace WebhookGateway;

/// <summary>A user's registration: their address, the id in their webhook's URL, and when its token was made.</summary>
public sealed record Registration(Jid Jid, string HookId, DateTimeOffset TokenCreated);
