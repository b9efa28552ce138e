using ComponentSdk.Xml;

namespace ComponentSdk.Transport;

/// <summary>Fired down the pipeline by a negotiation handler when it is done and has removed itself.</summary>
internal sealed record SessionEstablished(Jid Jid, string? StreamId);
