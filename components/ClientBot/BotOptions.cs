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

    /// <summary>Group chat rooms to sit in (<c>room@conference.example.org</c>), entered again after every reconnect.</summary>
    public IList<string> Rooms { get; set; } = [];

    /// <summary>The bot's nick in its rooms; it answers messages that start with it (<c>bot: hello</c>).</summary>
    public string Nick { get; set; } = "bot";
}
