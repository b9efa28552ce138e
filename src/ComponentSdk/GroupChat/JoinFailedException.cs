namespace ComponentSdk.GroupChat;

/// <summary>A room refused us (XEP-0045 §7.2): a wrong password, not a member, banned, a nick taken every time...</summary>
public sealed class JoinFailedException : XmppException
{
    /// <summary>Creates the exception.</summary>
    public JoinFailedException(Jid room, string? condition, string message)
        : base(message)
    {
        Room = room;
        Condition = condition;
    }

    /// <summary>The room.</summary>
    public Jid Room { get; }

    /// <summary>The stanza error condition the room answered with (<c>not-authorized</c>, <c>registration-required</c>, <c>forbidden</c>, <c>conflict</c>...), or null when it did not answer in time.</summary>
    public string? Condition { get; }
}
