namespace ComponentSdk.Privileges;

/// <summary>What the server lets a privileged component do with its users' rosters (XEP-0356 §3.1).</summary>
public enum RosterAccess
{
    /// <summary>Nothing.</summary>
    None,

    /// <summary>Read them.</summary>
    Get,

    /// <summary>Change them.</summary>
    Set,

    /// <summary>Read and change them.</summary>
    Both,
}
