namespace WebhookGateway;

/// <summary>The JSON a webhook call carries: the message's body and, optionally, its subject.</summary>
public sealed record WebhookRequest(string? Body, string? Subject);
