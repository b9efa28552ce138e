using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.GroupChat;

/// <summary>
/// A room we are in, or are entering (XEP-0045): its occupants, its messages, and sending to it. Made by
/// <see cref="MucClient.Join"/>; entered again after every new connection until <see cref="LeaveAsync"/>.
/// </summary>
public sealed class Room
{
    private static readonly XNamespace Muc = "http://jabber.org/protocol/muc";
    private static readonly XNamespace MucUser = "http://jabber.org/protocol/muc#user";
    private static readonly XNamespace MucOwner = "http://jabber.org/protocol/muc#owner";
    private static readonly XNamespace DataForms = "jabber:x:data";
    private static readonly XNamespace StanzaErrors = Namespaces.StanzaErrors;

    private readonly MucClient client;
    private readonly Lock gate = new();
    private readonly Dictionary<string, Occupant> occupants = new(StringComparer.Ordinal);
    private TaskCompletionSource joined = NewSignal();
    private TaskCompletionSource? left;
    private readonly string requestedNick;
    private int nickAttempt;

    internal Room(MucClient client, Jid address, string nick, JoinOptions options)
    {
        this.client = client;
        Address = address;
        requestedNick = nick;
        Nick = nick;
        Options = options;
    }

    /// <summary>The room's address, <c>room@service</c>.</summary>
    public Jid Address { get; }

    /// <summary>Our nick: the one asked for, with <see cref="JoinOptions.NickConflictSuffix"/> added when it was taken, or the one the room gave us.</summary>
    public string Nick { get; private set; }

    /// <summary>How the room is joined.</summary>
    public JoinOptions Options { get; }

    /// <summary>True while we are in the room (between the room's welcome and a lost connection or leaving).</summary>
    public bool IsJoined { get; private set; }

    /// <summary>Completes when the room has let us in; fails with <see cref="JoinFailedException"/> when it refused.</summary>
    public Task Joined
    {
        get { lock (gate) return joined.Task; }
    }

    /// <summary>Everyone in the room, ourselves included, as the room last told.</summary>
    public IReadOnlyList<Occupant> Occupants
    {
        get { lock (gate) return [.. occupants.Values]; }
    }

    /// <summary>A message to the room arrived (by default not our own, see <see cref="JoinOptions.ReceiveOwnMessages"/>).</summary>
    public event EventHandler<RoomMessage>? MessageReceived;

    /// <summary>Someone entered the room (or changed nick, as a new occupant).</summary>
    public event EventHandler<Occupant>? OccupantJoined;

    /// <summary>Someone left the room.</summary>
    public event EventHandler<Occupant>? OccupantLeft;

    /// <summary>Sends <paramref name="body"/> to everyone in the room.</summary>
    public ValueTask SendAsync(string body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        var message = new XElement(XmppNames.Message, new XAttribute(XmppNames.To, Address.ToString()), new XAttribute(XmppNames.Type, "groupchat"),
            new XElement(XmppNames.Body, body));
        if (client.Occupant is { } from) message.SetAttributeValue(XmppNames.From, from.ToString());
        return client.Component.SendAsync(message, cancellationToken);
    }

    /// <summary>Leaves the room and stops entering it again; completes when the room confirms, or after <see cref="JoinOptions.Timeout"/>.</summary>
    public async Task LeaveAsync(CancellationToken cancellationToken = default)
    {
        TaskCompletionSource done;
        lock (gate)
        {
            done = left ??= NewSignal();
            joined.TrySetException(new JoinFailedException(Address, null, $"Left {Address} before the room let us in."));
        }
        try
        {
            await client.Component.SendAsync(Presence("unavailable", Nick), cancellationToken).ConfigureAwait(false);
            await done.Task.WaitAsync(Options.Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The room did not confirm; we are out as far as we are concerned.
        }
        finally
        {
            client.Forget(this);
        }
        lock (gate)
        {
            IsJoined = false;
            occupants.Clear();
        }
    }

    /// <summary>Sends the join presence for the current nick (first time, or again after a new connection); nothing once leaving.</summary>
    internal ValueTask EnterAsync(CancellationToken cancellationToken)
    {
        string nick;
        lock (gate)
        {
            if (left is not null) return ValueTask.CompletedTask;
            if (joined.Task.IsCompleted) joined = NewSignal();
            nick = Nick;
        }
        var x = new XElement(Muc + "x", new XElement(Muc + "history", new XAttribute("maxstanzas", Options.HistoryMessages)));
        if (Options.Password is { } password) x.AddFirst(new XElement(Muc + "password", password));
        XElement presence = Presence(null, nick);
        presence.Add(x);
        return client.Component.SendAsync(presence, cancellationToken);
    }

    /// <summary>The connection is gone: we are no longer in the room (the next connection enters again).</summary>
    internal void Disconnected()
    {
        lock (gate)
        {
            IsJoined = false;
            occupants.Clear();
        }
    }

    /// <summary>A presence or message from the room or one of its occupants.</summary>
    internal void Handle(XElement stanza, string? nick)
    {
        if (stanza.Name == XmppNames.Presence) HandlePresence(stanza, nick);
        else if (stanza.Name == XmppNames.Message) HandleMessage(stanza, nick);
    }

    private void HandlePresence(XElement presence, string? nick)
    {
        string? type = presence.Type();
        if (type == "error")
        {
            OnJoinError(presence);
            return;
        }
        if (nick is null) return;
        XElement? x = presence.Element(MucUser + "x");
        XElement? item = x?.Element(MucUser + "item");
        var codes = x?.Elements(MucUser + "status").Select(s => (string?)s.Attribute("code")).ToHashSet() ?? [];
        bool self = codes.Contains("110");
        var occupant = new Occupant(nick, Jid.TryParse((string?)item?.Attribute("jid"), out Jid? real) ? real : null,
            (string?)item?.Attribute("affiliation") ?? "none", (string?)item?.Attribute("role") ?? "none");
        if (type == "unavailable")
        {
            bool removed;
            lock (gate)
            {
                removed = occupants.Remove(nick);
                if (self && !codes.Contains("303"))
                {
                    IsJoined = false;
                    occupants.Clear();
                    left?.TrySetResult();
                }
            }
            if (removed) OccupantLeft?.Invoke(this, occupant);
            return;
        }
        bool added;
        lock (gate)
        {
            added = !occupants.ContainsKey(nick);
            occupants[nick] = occupant;
            if (self)
            {
                Nick = nick; // the room may have changed it (status 210)
                IsJoined = true;
                nickAttempt = 0;
            }
        }
        if (added && !self) OccupantJoined?.Invoke(this, occupant);
        if (!self) return;
        TaskCompletionSource signal;
        lock (gate) signal = joined;
        // 201: the join created the room, which stays locked to everyone else until its owner configures it.
        if (codes.Contains("201") && Options.CreateInstantRoom) _ = OpenAsync(signal);
        else signal.TrySetResult();
    }

    /// <summary>Accepts the service's default configuration for a room we just created (an instant room), then lets the join complete.</summary>
    private async Task OpenAsync(TaskCompletionSource signal)
    {
        var request = new XElement(XmppNames.Iq, new XAttribute(XmppNames.Type, "set"), new XAttribute(XmppNames.To, Address.ToString()),
            new XElement(MucOwner + "query", new XElement(DataForms + "x", new XAttribute(XmppNames.Type, "submit"))));
        if (client.Occupant is { } from) request.SetAttributeValue(XmppNames.From, from.ToString());
        try
        {
            XElement reply = await client.Component.RequestAsync(request, Options.Timeout).ConfigureAwait(false);
            if (reply.Type() == "error")
            {
                signal.TrySetException(new JoinFailedException(Address, reply.ErrorCondition(), $"{Address} was created but refused its default configuration ({reply.ErrorCondition() ?? "no reason given"})."));
                return;
            }
            signal.TrySetResult();
        }
        catch (Exception ex) when (ex is XmppException or TimeoutException or OperationCanceledException)
        {
            signal.TrySetException(new JoinFailedException(Address, null, $"{Address} was created but could not be opened: {ex.Message}"));
        }
    }

    private void OnJoinError(XElement presence)
    {
        XElement? error = presence.Element("error");
        string? condition = presence.ErrorCondition();
        string? text = (string?)error?.Element(StanzaErrors + "text");
        TaskCompletionSource signal;
        bool retry = false;
        lock (gate)
        {
            signal = joined;
            if (condition == "conflict" && Options.NickConflictSuffix.Length > 0 && ++nickAttempt < Options.MaxNickAttempts)
            {
                Nick += Options.NickConflictSuffix;
                retry = true;
            }
        }
        if (retry)
        {
            _ = EnterAsync(CancellationToken.None).AsTask();
            return;
        }
        string why = condition switch
        {
            "conflict" => $"the nick {requestedNick} and the variants tried were taken",
            "not-authorized" => "the password is missing or wrong (JoinOptions.Password)",
            "registration-required" => "the room is members-only and we are not a member",
            "forbidden" => "we are banned from the room",
            "service-unavailable" => "the room is full",
            "item-not-found" => "the room does not exist and may not be created",
            _ => condition ?? "no reason given",
        };
        signal.TrySetException(new JoinFailedException(Address, condition, $"{Address} refused us: {why}" + (text is null ? "." : $" ({text}).")));
        client.Forget(this);
    }

    private void HandleMessage(XElement message, string? nick)
    {
        if (message.Type() != "groupchat" || message.Element(XmppNames.Body) is not { } body) return;
        if (!Options.ReceiveOwnMessages && nick is not null && nick == Nick) return;
        MessageReceived?.Invoke(this, new RoomMessage(this, nick, body.Value, message));
    }

    private XElement Presence(string? type, string nick)
    {
        var presence = new XElement(XmppNames.Presence, new XAttribute(XmppNames.To, new Jid(Address.Local, Address.Domain, nick).ToString()));
        if (type is not null) presence.SetAttributeValue(XmppNames.Type, type);
        if (client.Occupant is { } from) presence.SetAttributeValue(XmppNames.From, from.ToString());
        return presence;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
