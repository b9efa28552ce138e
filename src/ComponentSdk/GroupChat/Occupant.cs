namespace ComponentSdk.GroupChat;

/// <summary>Someone in a room (XEP-0045): their nick, and what the room says of them.</summary>
/// <param name="Nick">The occupant's nick in the room.</param>
/// <param name="RealJid">Their own address, when the room shows it (non-anonymous rooms, or to moderators).</param>
/// <param name="Affiliation">owner, admin, member, outcast or none.</param>
/// <param name="Role">moderator, participant, visitor or none.</param>
public sealed record Occupant(string Nick, Jid? RealJid, string Affiliation, string Role);
