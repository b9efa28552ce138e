namespace ComponentSdk.Privileges;

/// <summary>Which presences of its users the server sends a privileged component (XEP-0356 §3.3).</summary>
public enum PresenceAccess
{
    /// <summary>None.</summary>
    None,

    /// <summary>The presence of every user of the server.</summary>
    ManagedEntity,

    /// <summary>Also the presence of their contacts.</summary>
    Roster,
}
