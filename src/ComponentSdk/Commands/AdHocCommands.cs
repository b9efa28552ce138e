using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Xml.Linq;
using ComponentSdk.Forms;
using ComponentSdk.Xml;

namespace ComponentSdk.Commands;

/// <summary>
/// Ad-hoc commands (XEP-0050) for a component: register commands, and it answers the rest. Commands are listed in
/// disco#items of the <c>http://jabber.org/protocol/commands</c> node and described in disco#info of their own (to
/// those allowed to run them); a run is a session of stages, each a form to fill in, with <c>next</c>,
/// <c>prev</c>, <c>complete</c> and <c>cancel</c>. Submissions are checked against the form they answer before the
/// handler sees them (a stage with errors is asked again, with an error note per field). Sessions left alone for
/// <see cref="SessionTimeout"/> end.
/// </summary>
/// <example>
/// <code>
/// var commands = new AdHocCommands(component);
/// commands.Add(new AdHocCommand("greet", "Say hello", (request, ct) => ValueTask.FromResult(
///     request.Stage == 0
///         ? CommandResponse.Ask(new DataForm().Add(new FormField("name") { Label = "Your name", Required = true }), last: true)
///         : CommandResponse.Done($"Hello, {request.Form!.ValueOf("name")}!"))));
/// </code>
/// </example>
public sealed class AdHocCommands : IDisposable
{
    /// <summary><c>http://jabber.org/protocol/commands</c>: the namespace, and the node that lists the commands.</summary>
    public static readonly XNamespace Namespace = "http://jabber.org/protocol/commands";

    private const int ExpiredIdsKept = 1024;

    private readonly Component component;
    private readonly TimeProvider clock;
    private readonly ConcurrentDictionary<string, AdHocCommand> commands = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CommandSession> sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> expiredOrder = new();
    private readonly ConcurrentDictionary<string, byte> expired = new(StringComparer.Ordinal);
    private readonly ITimer sweeper;

    /// <summary>Answers command requests to <paramref name="component"/> from now on.</summary>
    /// <param name="component">The component whose commands these are.</param>
    /// <param name="sessionTimeout">How long a session may wait for its next request; 10 minutes when null.</param>
    /// <param name="clock">The clock sessions time out by; the system's when null.</param>
    public AdHocCommands(Component component, TimeSpan? sessionTimeout = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(component);
        this.component = component;
        this.clock = clock ?? TimeProvider.System;
        SessionTimeout = sessionTimeout ?? TimeSpan.FromMinutes(10);
        if (SessionTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(sessionTimeout), "The session timeout must be positive.");
        component.HandleIq("set", Namespace + "command", AnswerAsync);
        component.AddDiscoNode(Namespace.NamespaceName, _ => new DiscoNodeInfo([], [Namespace.NamespaceName]), ListFor);
        // A quarter of the timeout, at most a minute: a session ends at most that late.
        TimeSpan every = TimeSpan.FromTicks(Math.Min(SessionTimeout.Ticks / 4, TimeSpan.TicksPerMinute));
        sweeper = this.clock.CreateTimer(_ => EndAbandoned(), null, every, every);
    }

    /// <summary>How long a session may wait for its next request before it ends.</summary>
    public TimeSpan SessionTimeout { get; }

    /// <summary>The sessions under way.</summary>
    public int ActiveSessions => sessions.Count;

    /// <summary>Offers a command (replacing one with the same node).</summary>
    public void Add(AdHocCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentException.ThrowIfNullOrEmpty(command.Node);
        ArgumentException.ThrowIfNullOrEmpty(command.Name);
        commands[command.Node] = command;
        component.AddDiscoNode(command.Node, request => Allowed(command, request)
            ? new DiscoNodeInfo([new DiscoIdentity("automation", "command-node", command.Name)], [Namespace.NamespaceName, DataForm.Namespace.NamespaceName])
            : null);
    }

    /// <summary>Stops offering a command; its sessions end at their next request. False when there was none.</summary>
    public bool Remove(string node)
    {
        component.RemoveDiscoNode(node);
        return commands.TryRemove(node, out _);
    }

    /// <summary>Stops the timer that ends abandoned sessions.</summary>
    public void Dispose() => sweeper.Dispose();

    private IEnumerable<DiscoItem> ListFor(XElement request)
    {
        string self = component.Jid?.ToString() ?? request.To() ?? "";
        return commands.Values.Where(c => Allowed(c, request)).OrderBy(c => c.Node, StringComparer.Ordinal).Select(c => new DiscoItem(self, c.Node, c.Name));
    }

    private static bool Allowed(AdHocCommand command, XElement request) => Jid.TryParse(request.From(), out Jid? from) && command.IsAllowed(from);

    private async ValueTask<XElement?> AnswerAsync(XElement iq, CancellationToken cancellationToken)
    {
        XElement payload = iq.Element(Namespace + "command")!;
        string node = (string?)payload.Attribute("node") ?? "";
        if (!Jid.TryParse(iq.From(), out Jid? from)) return iq.ErrorFor("bad-request", "modify", "The request has no valid sender.");
        if (!TryParseAction((string?)payload.Attribute("action"), out CommandAction action)) return CommandError(iq, "bad-request", "malformed-action", "modify");
        if (!commands.TryGetValue(node, out AdHocCommand? command)) return iq.ErrorFor("item-not-found", text: $"There is no command '{node}'.");
        if (!command.IsAllowed(from)) return iq.ErrorFor("forbidden", "auth", "You may not run this command.");

        string? sessionId = (string?)payload.Attribute("sessionid");
        if (sessionId is null)
        {
            if (action == CommandAction.Cancel) return iq.ResultFor(Answer(node, NewSessionId(), CommandStatus.Canceled));
            return await StartAsync(iq, command, from, cancellationToken).ConfigureAwait(false);
        }
        if (!sessions.TryGetValue(sessionId, out CommandSession? session) || session.Owner != from || session.Command.Node != node)
        {
            return expired.ContainsKey(sessionId)
                ? CommandError(iq, "not-allowed", "session-expired", "cancel")
                : CommandError(iq, "bad-request", "bad-sessionid", "modify");
        }
        await session.Turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            session.LastUsed = clock.GetTimestamp();
            return await ContinueAsync(iq, payload, session, action, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            session.Turn.Release();
        }
    }

    private async ValueTask<XElement> StartAsync(XElement iq, AdHocCommand command, Jid from, CancellationToken cancellationToken)
    {
        var session = new CommandSession(NewSessionId(), from, command, clock.GetTimestamp());
        CommandResponse response = await command.Handler(
            new CommandRequest(from, command.Node, session.Id, CommandAction.Execute, 0, null, session.State, iq), cancellationToken).ConfigureAwait(false);
        if (response.Status == CommandStatus.Executing)
        {
            session.Stages.Push(response);
            sessions[session.Id] = session;
        }
        return iq.ResultFor(Answer(command.Node, session.Id, response));
    }

    private async ValueTask<XElement> ContinueAsync(XElement iq, XElement payload, CommandSession session, CommandAction action, CancellationToken cancellationToken)
    {
        string node = session.Command.Node;
        if (action == CommandAction.Cancel)
        {
            End(session);
            return iq.ResultFor(Answer(node, session.Id, CommandStatus.Canceled));
        }
        CommandResponse current = session.Stages.Peek();
        if (action == CommandAction.Prev)
        {
            if (session.Stages.Count < 2) return CommandError(iq, "bad-request", "bad-action", "modify");
            session.Stages.Pop();
            return iq.ResultFor(Answer(node, session.Id, session.Stages.Peek()));
        }
        // Execute goes on with the stage's default action: complete on the last stage, next otherwise.
        if (action == CommandAction.Execute) action = current.IsLastStage ? CommandAction.Complete : CommandAction.Next;
        if (action == CommandAction.Next && current.IsLastStage) return CommandError(iq, "bad-request", "bad-action", "modify");

        DataForm submission = DataForm.FindIn(payload) ?? new DataForm(FormType.Submit);
        if (current.Form is { } asked && asked.Validate(submission) is { Count: > 0 } errors)
        {
            // The same stage again, filled in with what was submitted, and what is wrong with it.
            var again = CommandResponse.Ask(Refill(asked, submission), current.IsLastStage);
            foreach (FieldError error in errors) again.Notes.Add(new CommandNote(NoteType.Error, error.Message));
            return iq.ResultFor(Answer(node, session.Id, again));
        }
        CommandResponse response = await session.Command.Handler(
            new CommandRequest(session.Owner, node, session.Id, action, session.Stages.Count, submission, session.State, iq), cancellationToken).ConfigureAwait(false);
        if (response.Status == CommandStatus.Executing && action != CommandAction.Complete) session.Stages.Push(response);
        else End(session);
        return iq.ResultFor(Answer(node, session.Id, response));
    }

    /// <summary>The form as asked, with the submitted values in place.</summary>
    private static DataForm Refill(DataForm asked, DataForm submission)
    {
        var form = new DataForm(FormType.Form) { Title = asked.Title };
        form.Instructions.AddRange(asked.Instructions);
        foreach (FormField field in asked.Fields)
        {
            FormField copy = field.Clone();
            if (field.Var is not null && field.Type != FieldType.Hidden && submission[field.Var] is { } answered)
            {
                copy.Values.Clear();
                copy.Values.AddRange(answered.Values);
            }
            form.Fields.Add(copy);
        }
        return form;
    }

    private static XElement Answer(string node, string sessionId, CommandStatus status) =>
        new(Namespace + "command", new XAttribute("node", node), new XAttribute("sessionid", sessionId), new XAttribute("status", status.ToString().ToLowerInvariant()));

    private static XElement Answer(string node, string sessionId, CommandResponse response)
    {
        XElement command = Answer(node, sessionId, response.Status);
        if (response.Status == CommandStatus.Executing)
        {
            // XEP-0050 §3.4: the actions allowed now, and the one 'execute' means.
            string next = response.IsLastStage ? "complete" : "next";
            command.Add(new XElement(Namespace + "actions", new XAttribute("execute", next), new XElement(Namespace + "prev"), new XElement(Namespace + next)));
        }
        foreach (CommandNote note in response.Notes)
            command.Add(new XElement(Namespace + "note", new XAttribute("type", note.Type.ToString().ToLowerInvariant()), note.Text));
        if (response.Form is { } form) command.Add(form.ToXml());
        return command;
    }

    private static XElement CommandError(XElement iq, string condition, string specific, string type)
    {
        XElement error = iq.ErrorFor(condition, type);
        error.Element("error")!.Add(new XElement(Namespace + specific));
        return error;
    }

    private static bool TryParseAction(string? value, out CommandAction action)
    {
        action = value switch
        {
            null or "execute" => CommandAction.Execute,
            "next" => CommandAction.Next,
            "prev" => CommandAction.Prev,
            "complete" => CommandAction.Complete,
            "cancel" => CommandAction.Cancel,
            _ => (CommandAction)(-1),
        };
        return Enum.IsDefined(action);
    }

    private static string NewSessionId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    private void End(CommandSession session)
    {
        if (!sessions.TryRemove(session.Id, out _)) return;
        expired.TryAdd(session.Id, 0); // a late request for it is told the session is over, not that it never was
        expiredOrder.Enqueue(session.Id);
        while (expiredOrder.Count > ExpiredIdsKept && expiredOrder.TryDequeue(out string? oldest)) expired.TryRemove(oldest, out _);
    }

    private void EndAbandoned()
    {
        foreach (CommandSession session in sessions.Values)
        {
            if (clock.GetElapsedTime(session.LastUsed) >= SessionTimeout) End(session);
        }
    }
}
