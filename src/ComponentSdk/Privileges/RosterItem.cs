namespace ComponentSdk.Privileges;

/// <summary>One contact in a user's roster (RFC 6121 §2.1.2).</summary>
/// <param name="Jid">The contact.</param>
/// <param name="Name">The name the user gave it, or null.</param>
/// <param name="Subscription"><c>none</c>, <c>to</c>, <c>from</c> or <c>both</c>.</param>
/// <param name="Groups">The groups it is in.</param>
public sealed record RosterItem(Jid Jid, string? Name = null, string Subscription = "none", IReadOnlyList<string>? Groups = null)
{
    /// <summary>The groups it is in (never null).</summary>
    public IReadOnlyList<string> Groups { get; init; } = Groups ?? [];
}
