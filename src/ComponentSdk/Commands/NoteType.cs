namespace ComponentSdk.Commands;

/// <summary>The kind of a note in a command's answer (XEP-0050 §3.4).</summary>
public enum NoteType
{
    /// <summary>For information.</summary>
    Info,

    /// <summary>A warning: something did not go as asked, but the command went on.</summary>
    Warn,

    /// <summary>An error: the command could not do what was asked.</summary>
    Error,
}
