using System.Xml.Linq;

namespace ComponentSdk.GroupChat;

/// <summary>A message to the whole room.</summary>
/// <param name="Room">The room it was sent in.</param>
/// <param name="Nick">The sender's nick; null for a message from the room itself.</param>
/// <param name="Body">The text.</param>
/// <param name="Stanza">The message as received.</param>
public sealed record RoomMessage(Room Room, string? Nick, string Body, XElement Stanza);
