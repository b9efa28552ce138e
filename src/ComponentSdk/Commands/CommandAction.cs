namespace ComponentSdk.Commands;

/// <summary>What the requester asks a command to do (XEP-0050 §3.4).</summary>
public enum CommandAction
{
    /// <summary>Start the command, or go on with its default action.</summary>
    Execute,

    /// <summary>Go to the next stage.</summary>
    Next,

    /// <summary>Go back to the previous stage (answered by the SDK, with the stage as it was sent).</summary>
    Prev,

    /// <summary>Finish with what was submitted.</summary>
    Complete,

    /// <summary>Abandon the session.</summary>
    Cancel,
}
