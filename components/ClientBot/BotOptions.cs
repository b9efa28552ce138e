namespace ClientBot;

/// <summary>What the bot does once logged in (configuration section <c>Bot</c>).</summary>
public sealed class BotOptions
{
    /// <summary>Who gets the message; defaults to the bot's own bare JID.</summary>
    public string? To { get; set; }

    /// <summary>The message's body.</summary>
    public string Message { get; set; } = "Hello from ComponentSdk.";

    /// <summary>Stop after the roster and the message instead of staying online.</summary>
    public bool Once { get; set; }
}
