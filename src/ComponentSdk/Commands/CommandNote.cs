namespace ComponentSdk.Commands;

/// <summary>A note in a command's answer: its kind and text.</summary>
public sealed record CommandNote(NoteType Type, string Text);
