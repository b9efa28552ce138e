namespace ComponentSdk.Commands;

/// <summary>A command a component offers (XEP-0050): its node, its name, who may run it, and its handler.</summary>
/// <param name="Node">The command's node, unique within the component (for example <c>rotate-token</c>).</param>
/// <param name="Name">What a person sees in the list of commands.</param>
/// <param name="Handler">Called for each stage; returns a form to fill in or the end.</param>
public sealed record AdHocCommand(string Node, string Name, Func<CommandRequest, CancellationToken, ValueTask<CommandResponse>> Handler)
{
    /// <summary>Who may see and run the command (everyone by default); checked on every request, with the full JID.</summary>
    public Func<Jid, bool> IsAllowed { get; init; } = static _ => true;
}
