namespace ComponentSdk.Commands;

/// <summary>Where a command session stands after an answer (XEP-0050 §3.4).</summary>
public enum CommandStatus
{
    /// <summary>More stages follow: the session goes on.</summary>
    Executing,

    /// <summary>Done; the session ends.</summary>
    Completed,

    /// <summary>Abandoned; the session ends.</summary>
    Canceled,
}
