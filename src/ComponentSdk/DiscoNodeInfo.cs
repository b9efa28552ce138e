namespace ComponentSdk;

/// <summary>What a disco#info request for a node of the component is answered with: its identities and features.</summary>
public sealed record DiscoNodeInfo(IReadOnlyList<DiscoIdentity> Identities, IReadOnlyList<string> Features);
