using System.Collections.Concurrent;
using System.Xml.Linq;
using ComponentSdk.Dispatch;
using ComponentSdk.Xml;

namespace ComponentSdk.GroupChat;

/// <summary>
/// Group chat (XEP-0045) for a component or a user login: joins rooms, keeps their occupants, raises their messages,
/// and enters every room again after a new connection (a reconnect), until it is left.
/// </summary>
/// <remarks>
/// Presences and messages reach the rooms through a filter, which, like every handler, runs one stanza at a time:
/// awaiting <see cref="JoinAsync"/> inside a handler (<c>OnReadyAsync</c> included) would wait for presences that
/// handler holds up. There, call <see cref="Join"/>, which only sends the request, and await <see cref="Room.Joined"/>
/// elsewhere, if at all.
/// </remarks>
public sealed class MucClient
{
    private static int instances;
    private readonly ConcurrentDictionary<Jid, Room> rooms = new();

    /// <summary>
    /// Group chat over <paramref name="component"/>. A component sits in rooms as <paramref name="occupant"/>
    /// (an address of its domain, such as <c>bot@echo.example.org</c>; default: the component's domain); a user login
    /// as itself, and needs none.
    /// </summary>
    public MucClient(Component component, Jid? occupant = null)
    {
        ArgumentNullException.ThrowIfNull(component);
        Component = component;
        Occupant = occupant;
        component.AddFilter($"ComponentSdk.GroupChat.{Interlocked.Increment(ref instances)}", "/presence | /message", OnStanza);
        component.StatusChanged += OnStatus;
    }

    /// <summary>The connection the rooms are joined over.</summary>
    public Component Component { get; }

    /// <summary>The address a component sits in rooms as; null for a user login, or the component's own domain.</summary>
    public Jid? Occupant { get; }

    /// <summary>The rooms joined or being joined.</summary>
    public IReadOnlyCollection<Room> Rooms => [.. rooms.Values];

    /// <summary>
    /// Starts joining <paramref name="room"/> as <paramref name="nick"/> and returns at once: <see cref="Room.Joined"/>
    /// completes when the room lets us in. The join presence is queued while the connection is not ready, and sent
    /// again after every new connection.
    /// </summary>
    /// <exception cref="InvalidOperationException">The room was already joined.</exception>
    public Room Join(Jid room, string nick, JoinOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentException.ThrowIfNullOrEmpty(nick);
        if (room.Local is null || !room.IsBare) throw new ArgumentException($"{room} is not a room's address (room@service).", nameof(room));
        var entry = new Room(this, room, nick, options ?? new JoinOptions());
        if (!rooms.TryAdd(room, entry)) throw new InvalidOperationException($"{room} is already joined; leave it first.");
        if (Component.IsReady) _ = entry.EnterAsync(CancellationToken.None).AsTask(); // otherwise when it becomes ready
        return entry;
    }

    /// <summary>Joins <paramref name="room"/> and waits until the room lets us in; see <see cref="Join"/> and the remarks.</summary>
    /// <exception cref="JoinFailedException">The room refused us, or did not answer within <see cref="JoinOptions.Timeout"/>.</exception>
    public async Task<Room> JoinAsync(Jid room, string nick, JoinOptions? options = null, CancellationToken cancellationToken = default)
    {
        Room entry = Join(room, nick, options);
        try
        {
            await entry.Joined.WaitAsync(entry.Options.Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Forget(entry);
            throw new JoinFailedException(room, null, $"{room} did not answer the join within {entry.Options.Timeout.TotalSeconds:0.###} s (JoinOptions.Timeout).");
        }
        return entry;
    }

    internal void Forget(Room room) => rooms.TryRemove(new KeyValuePair<Jid, Room>(room.Address, room));

    private void OnStanza(FilterMatch match)
    {
        XElement stanza = match.Stanza;
        if (!Jid.TryParse(stanza.From(), out Jid? from) || !rooms.TryGetValue(from.Bare, out Room? room)) return;
        if (Occupant is { } self && stanza.To() is { } to && Jid.TryParse(to, out Jid? addressee) && addressee.Bare != self.Bare) return;
        room.Handle(stanza, from.Resource);
    }

    private void OnStatus(object? sender, ConnectionStatusEventArgs e)
    {
        if (e.Status == ConnectionStatus.Ready)
        {
            foreach (Room room in rooms.Values) _ = room.EnterAsync(CancellationToken.None).AsTask();
        }
        else if (e.Status is ConnectionStatus.SocketDisconnect or ConnectionStatus.SocketFail or ConnectionStatus.ShutdownFinish)
        {
            foreach (Room room in rooms.Values) room.Disconnected();
        }
    }
}
