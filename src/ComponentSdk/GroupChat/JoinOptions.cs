namespace ComponentSdk.GroupChat;

/// <summary>How to join a room.</summary>
public sealed class JoinOptions
{
    /// <summary>The room's password, for a password-protected room.</summary>
    public string? Password { get; init; }

    /// <summary>
    /// What is appended to the nick when someone else has it (the room answers <c>conflict</c>); tried up to
    /// <see cref="MaxNickAttempts"/> times (<c>bot</c>, <c>bot_</c>, <c>bot__</c>). Default <c>_</c>; empty gives up at once.
    /// </summary>
    public string NickConflictSuffix { get; init; } = "_";

    /// <summary>How many nicks to try in all. Default 5.</summary>
    public int MaxNickAttempts { get; init; } = 5;

    /// <summary>Whether the room's copy of our own messages is raised as <see cref="Room.MessageReceived"/>. Default false: it is not.</summary>
    public bool ReceiveOwnMessages { get; init; }

    /// <summary>
    /// How many past messages the room may replay on joining (XEP-0045 §7.2.13). Default 0: a bot that joins (or
    /// rejoins after a reconnect) does not answer old messages again.
    /// </summary>
    public int HistoryMessages { get; init; }

    /// <summary>
    /// Whether a room this join creates is opened at once with the service's default configuration (an instant room,
    /// XEP-0045 §10.1.2). Default true; false leaves a new room locked, as the service made it, for the application to
    /// configure.
    /// </summary>
    public bool CreateInstantRoom { get; init; } = true;

    /// <summary>How long the room may take to answer the join. Default 30 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
}
