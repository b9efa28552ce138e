namespace ComponentSdk.Privileges;

/// <summary>Whether the server lets a privileged component send messages on its users' behalf (XEP-0356 §3.2).</summary>
public enum MessageAccess
{
    /// <summary>Not allowed.</summary>
    None,

    /// <summary>Messages from any of the server's users.</summary>
    Outgoing,
}
