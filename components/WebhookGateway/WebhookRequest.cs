namespace WebhookGateway;

/// <summary>The JSON body of <c>POST /messages</c>.</summary>
/// <param name="To">The recipient's JID.</param>
/// <param name="Body">The message text.</param>
/// <param name="Subject">An optional subject.</param>
public sealed record WebhookRequest(string? To, string? Body, string? Subject);
