namespace ComponentSdk.Commands;

/// <summary>One running command: who runs it, its stages so far (for <c>prev</c>), its data, and when it was last used.</summary>
internal sealed class CommandSession(string id, Jid owner, AdHocCommand command, long lastUsed)
{
    public string Id { get; } = id;

    public Jid Owner { get; } = owner;

    public AdHocCommand Command { get; } = command;

    /// <summary>The answers sent so far, the current stage last.</summary>
    public Stack<CommandResponse> Stages { get; } = new();

    public Dictionary<string, object?> State { get; } = new(StringComparer.Ordinal);

    public long LastUsed { get; set; } = lastUsed;

    /// <summary>Serializes the requests of one session (a client may send the next before the last was answered).</summary>
    public SemaphoreSlim Turn { get; } = new(1, 1);
}
