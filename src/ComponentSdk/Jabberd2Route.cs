namespace ComponentSdk;

/// <summary>
/// The jabberd2 <c>&lt;route/&gt;</c> a stanza arrived in. Every stanza received over a jabberd2 connection carries
/// it as an annotation (<c>stanza.Annotation&lt;Jabberd2Route&gt;()</c>); a log sink receives it with each copy.
/// </summary>
/// <param name="From">The component that routed it: the sm (<c>localhost</c>) for user traffic, not the user.</param>
/// <param name="To">The bound name it was routed to (a domain).</param>
/// <param name="Type">Null for unicast, <c>broadcast</c>, or <c>log</c> for a copy sent to a log sink.</param>
/// <param name="Error">The router's error code when the route bounced, else null.</param>
public sealed record Jabberd2Route(string? From, string? To, string? Type, int? Error)
{
    /// <summary>A copy for a log sink (<c>type='log'</c>): it must never be answered.</summary>
    public bool IsLogCopy => Type == "log";
}
