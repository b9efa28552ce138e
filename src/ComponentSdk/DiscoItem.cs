namespace ComponentSdk;

/// <summary>An item listed in a disco#items answer (XEP-0030 §4): an address, optionally a node at it, and a name.</summary>
public sealed record DiscoItem(string Jid, string? Node = null, string? Name = null);
