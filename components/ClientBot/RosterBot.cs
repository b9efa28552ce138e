using System.Xml.Linq;
using ComponentSdk;
using ComponentSdk.GroupChat;
using ComponentSdk.Xml;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClientBot;

/// <summary>
/// Logs in as a user (Client or Legacy), shows every status event as it happens, announces itself, fetches its
/// roster with a request, and sends one message. It sits in the group chat rooms of its configuration and answers
/// there whoever addresses it by its nick.
/// </summary>
public sealed partial class RosterBot : Component
{
    private static readonly XNamespace Roster = "jabber:iq:roster";
    private readonly BotOptions bot;
    private readonly ILogger<RosterBot> logger;
    private readonly TaskCompletionSource<IReadOnlyList<string>> done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RosterBot(ConnectionOptions options, IOptions<BotOptions> bot, ILogger<RosterBot> logger) : base(options, logger)
    {
        this.bot = bot.Value;
        this.logger = logger;
        StatusChanged += (_, e) => LogStatus(logger, e.Status.ToPcjName() ?? e.Status.ToString(), e.Detail ?? e.Error?.Message ?? "");
        var muc = new MucClient(this);
        foreach (string address in this.bot.Rooms)
        {
            // Join only asks: the room answers once the connection is ready, and again after every reconnect.
            Room room = muc.Join(Jid.Parse(address), this.bot.Nick);
            room.MessageReceived += (_, message) => _ = AnswerAsync(message);
        }
    }

    /// <summary>Answers, in the room, a message that starts with the bot's nick.</summary>
    private async Task AnswerAsync(RoomMessage message)
    {
        string prefix = message.Room.Nick + ":";
        if (message.Nick is null || !message.Body.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return;
        string said = message.Body[prefix.Length..].Trim();
        LogAddressed(logger, message.Room.Address.ToString(), message.Nick, said);
        try
        {
            await message.Room.SendAsync($"{message.Nick}: you said \"{said}\"");
        }
        catch (XmppException ex)
        {
            LogAnswerFailed(logger, message.Room.Address.ToString(), ex.Message);
        }
    }

    /// <summary>Completes with the roster's JIDs once the message is sent.</summary>
    public Task<IReadOnlyList<string>> Done => done.Task;

    /// <summary>Whether the program should stop when <see cref="Done"/> completes.</summary>
    public bool Once => bot.Once;

    protected override async ValueTask OnReadyAsync(CancellationToken cancellationToken)
    {
        await SendAsync(new XElement("presence"), cancellationToken);
        XElement reply = await RequestAsync(new XElement("iq", new XAttribute("type", "get"), new XElement(Roster + "query")), cancellationToken: cancellationToken);
        List<string> contacts = reply.Descendants(Roster + "item").Select(i => (string?)i.Attribute("jid")).OfType<string>().ToList();
        LogRoster(logger, contacts.Count, string.Join(", ", contacts));

        string to = bot.To ?? Jid!.Bare.ToString();
        await SendAsync(new XElement("message", new XAttribute("to", to), new XAttribute("type", "chat"), new XElement("body", bot.Message)), cancellationToken);
        LogSent(logger, to);
        done.TrySetResult(contacts);
    }

    protected override ValueTask OnMessageAsync(XElement message, CancellationToken cancellationToken)
    {
        // A message we sent can come back as an error (the contact is offline and the server keeps no offline messages).
        if (message.Type() == "error") LogBounced(logger, message.From() ?? "?", message.ErrorCondition() ?? "undefined-condition");
        else LogReceived(logger, message.From() ?? "?", (string?)message.Element("body") ?? "");
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "status {Status} {Detail}")]
    private static partial void LogStatus(ILogger logger, string status, string detail);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "roster: {Count} contacts {Contacts}")]
    private static partial void LogRoster(ILogger logger, int count, string contacts);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "message sent to {To}")]
    private static partial void LogSent(ILogger logger, string to);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "message from {From}: {Body}")]
    private static partial void LogReceived(ILogger logger, string from, string body);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "message to {From} bounced: {Condition}")]
    private static partial void LogBounced(ILogger logger, string from, string condition);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "in {Room}, {Nick} said to the bot: {Text}")]
    private static partial void LogAddressed(ILogger logger, string room, string nick, string text);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "could not answer in {Room}: {Reason}")]
    private static partial void LogAnswerFailed(ILogger logger, string room, string reason);
}
