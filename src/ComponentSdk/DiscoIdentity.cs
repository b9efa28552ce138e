namespace ComponentSdk;

/// <summary>An identity in a disco#info answer (XEP-0030 §3.1): category, type and an optional name.</summary>
public sealed record DiscoIdentity(string Category, string Type, string? Name = null);
