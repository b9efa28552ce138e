namespace ComponentSdk.Privileges;

/// <summary>What one server granted the component (XEP-0356 §4): roster, message and presence access.</summary>
/// <param name="Server">The server (its domain) that granted them, for its own users.</param>
/// <param name="Roster">Access to its users' rosters.</param>
/// <param name="Message">Sending messages on its users' behalf.</param>
/// <param name="Presence">Receiving its users' presences.</param>
public sealed record GrantedPrivileges(string Server, RosterAccess Roster, MessageAccess Message, PresenceAccess Presence)
{
    /// <summary>True when rosters may be read.</summary>
    public bool CanReadRosters => Roster is RosterAccess.Get or RosterAccess.Both;

    /// <summary>True when rosters may be changed.</summary>
    public bool CanChangeRosters => Roster is RosterAccess.Set or RosterAccess.Both;
}
