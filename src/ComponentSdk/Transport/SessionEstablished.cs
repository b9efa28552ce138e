using ComponentSdk.Xml;

namespace ComponentSdk.Transport;

/// <summary>
/// Fired down the pipeline by a negotiation handler when it is done and has removed itself. With stream management,
/// the session enabled or resumed; <paramref name="ResumedAt"/> is the server's count of our stanzas when it resumed one.
/// </summary>
internal sealed record SessionEstablished(Jid Jid, string? StreamId, StreamManagementSession? StreamManagement = null, uint? ResumedAt = null)
{
    /// <summary>True when an earlier session was resumed rather than a new one made.</summary>
    public bool Resumed => ResumedAt is not null;
}
