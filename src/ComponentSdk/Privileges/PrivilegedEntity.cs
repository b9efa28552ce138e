using System.Collections.Concurrent;
using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.Privileges;

/// <summary>
/// The component as a privileged entity (XEP-0356): it takes note of the permissions a server grants when the
/// component connects (roster, message, presence) and uses them through small calls: read and change a user's roster,
/// send a message on a user's behalf. A call the server has not granted throws
/// <see cref="PrivilegeNotGrantedException"/> without sending anything. Works with both versions of the protocol
/// (<c>urn:xmpp:privilege:1</c>, ejabberd 23.01; <c>urn:xmpp:privilege:2</c>, Prosody's mod_privilege): it answers
/// each server in the version it used.
/// </summary>
public sealed class PrivilegedEntity
{
    /// <summary>The namespaces of the two versions of XEP-0356, the older first.</summary>
    public static readonly IReadOnlyList<XNamespace> Namespaces = ["urn:xmpp:privilege:1", "urn:xmpp:privilege:2"];

    private static readonly XNamespace Roster = "jabber:iq:roster";
    private static readonly XNamespace Forward = "urn:xmpp:forward:0";

    private readonly Component component;
    private readonly ConcurrentDictionary<string, (GrantedPrivileges Granted, XNamespace Version)> servers = new(StringComparer.OrdinalIgnoreCase);
    private TaskCompletionSource firstGrant = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Listens for the server's permissions on <paramref name="component"/>: create it before <c>ConnectAsync</c>.</summary>
    public PrivilegedEntity(Component component)
    {
        ArgumentNullException.ThrowIfNull(component);
        this.component = component;
        var prefixes = new Dictionary<string, string> { ["p1"] = Namespaces[0].NamespaceName, ["p2"] = Namespaces[1].NamespaceName };
        component.AddFilter("privilege:granted", "self::message[p1:privilege or p2:privilege]", match => OnGranted(match.Stanza), prefixes);
    }

    /// <summary>Raised when a server grants (or changes) the component's permissions.</summary>
    public event EventHandler<GrantedPrivileges>? Granted;

    /// <summary>What each server has granted so far, by its domain.</summary>
    public IReadOnlyDictionary<string, GrantedPrivileges> Privileges => servers.ToDictionary(s => s.Key, s => s.Value.Granted, StringComparer.OrdinalIgnoreCase);

    /// <summary>Completes when the first server's permissions arrive (the server sends them right after the component connects).</summary>
    public Task WhenGrantedAsync(TimeSpan timeout, CancellationToken cancellationToken = default) => firstGrant.Task.WaitAsync(timeout, cancellationToken);

    /// <summary>Reads <paramref name="user"/>'s roster.</summary>
    /// <exception cref="PrivilegeNotGrantedException">The user's server has not granted roster <c>get</c>.</exception>
    /// <exception cref="StanzaErrorException">The server answered with an error.</exception>
    public async Task<IReadOnlyList<RosterItem>> GetRosterAsync(Jid user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        Require(user.Domain, p => p.CanReadRosters, "read the rosters of its users (roster 'get' or 'both')");
        XElement reply = await RequestAsync(new XElement("iq", new XAttribute("type", "get"), new XAttribute("to", user.Bare.ToString()),
            new XElement(Roster + "query")), cancellationToken).ConfigureAwait(false);
        return [.. reply.Element(Roster + "query")?.Elements(Roster + "item").Select(ParseItem).OfType<RosterItem>() ?? []];
    }

    /// <summary>Adds <paramref name="item"/> to <paramref name="user"/>'s roster, or changes it (name, groups; the subscription is the server's).</summary>
    /// <exception cref="PrivilegeNotGrantedException">The user's server has not granted roster <c>set</c>.</exception>
    public Task SetRosterItemAsync(Jid user, RosterItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        // The subscription state is the server's to keep (RFC 6121 §2.1.2.5): a set names the contact, name and groups only.
        var element = new XElement(Roster + "item", new XAttribute("jid", item.Jid.ToString()), item.Name is null ? null : new XAttribute("name", item.Name),
            item.Groups.Select(g => new XElement(Roster + "group", g)));
        return SetRosterAsync(user, element, cancellationToken);
    }

    /// <summary>Removes <paramref name="contact"/> from <paramref name="user"/>'s roster.</summary>
    /// <exception cref="PrivilegeNotGrantedException">The user's server has not granted roster <c>set</c>.</exception>
    public Task RemoveRosterItemAsync(Jid user, Jid contact, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contact);
        return SetRosterAsync(user, new XElement(Roster + "item", new XAttribute("jid", contact.ToString()), new XAttribute("subscription", "remove")), cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="message"/> on behalf of the user in its <c>from</c> (a user of a server that granted
    /// message <c>outgoing</c>): the server delivers it as if that user had sent it.
    /// </summary>
    /// <exception cref="PrivilegeNotGrantedException">The user's server has not granted message <c>outgoing</c>.</exception>
    public ValueTask SendMessageAsync(XElement message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Name.LocalName != "message" || !Jid.TryParse(message.From(), out Jid? sender))
            throw new ArgumentException("A message with the user it is sent for in 'from'.", nameof(message));
        XNamespace version = Require(sender.Domain, p => p.Message == MessageAccess.Outgoing, "send messages for its users (message 'outgoing')");
        // The forwarded stanza is a client stanza of the user's (XEP-0356 §5): the writer puts a stanza inside a payload
        // in jabber:client.
        var inner = new XElement(message);
        var wrapper = new XElement("message", new XAttribute("to", sender.Domain),
            new XElement(version + "privilege", new XElement(Forward + "forwarded", inner)));
        return component.SendAsync(wrapper, cancellationToken);
    }

    private async Task SetRosterAsync(Jid user, XElement item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        Require(user.Domain, p => p.CanChangeRosters, "change the rosters of its users (roster 'set' or 'both')");
        await RequestAsync(new XElement("iq", new XAttribute("type", "set"), new XAttribute("to", user.Bare.ToString()), new XElement(Roster + "query", item)),
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<XElement> RequestAsync(XElement iq, CancellationToken cancellationToken)
    {
        XElement reply = await component.RequestAsync(iq, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (reply.Type() == "error") throw new StanzaErrorException(reply);
        return reply;
    }

    /// <summary>The version the server speaks, once it is known to grant what is needed.</summary>
    private XNamespace Require(string server, Func<GrantedPrivileges, bool> granted, string what)
    {
        if (servers.TryGetValue(server, out var entry) && granted(entry.Granted)) return entry.Version;
        string have = entry.Granted is null ? "has granted it nothing (no privilege message arrived)" : $"granted {Describe(entry.Granted)}";
        throw new PrivilegeNotGrantedException(
            $"The server {server} has not allowed {component.Jid?.ToString() ?? "this component"} to {what}; it {have}. " +
            "Grant it in the server's configuration (ejabberd: mod_privilege; Prosody: mod_privilege's privileged_entities).");
    }

    private void OnGranted(XElement message)
    {
        // Only the server itself grants privileges: a domain, no user part (XEP-0356 §4: from the server's JID).
        if (!Jid.TryParse(message.From(), out Jid? server) || server.Local is not null || server.Resource is not null) return;
        XElement? privilege = Namespaces.Select(ns => message.Element(ns + "privilege")).FirstOrDefault(p => p is not null);
        if (privilege is null) return;
        string? Access(string name) => (string?)privilege.Elements(privilege.Name.Namespace + "perm").FirstOrDefault(p => (string?)p.Attribute("access") == name)?.Attribute("type");
        var granted = new GrantedPrivileges(server.Domain,
            Access("roster") switch { "get" => RosterAccess.Get, "set" => RosterAccess.Set, "both" => RosterAccess.Both, _ => RosterAccess.None },
            Access("message") == "outgoing" ? MessageAccess.Outgoing : MessageAccess.None,
            Access("presence") switch { "managed_entity" => PresenceAccess.ManagedEntity, "roster" => PresenceAccess.Roster, _ => PresenceAccess.None });
        servers[server.Domain] = (granted, privilege.Name.Namespace);
        Granted?.Invoke(this, granted);
        firstGrant.TrySetResult();
    }

    private static RosterItem? ParseItem(XElement item) => Jid.TryParse((string?)item.Attribute("jid"), out Jid? jid)
        ? new RosterItem(jid, (string?)item.Attribute("name"), (string?)item.Attribute("subscription") ?? "none", [.. item.Elements(Roster + "group").Select(g => g.Value)])
        : null;

    private static string Describe(GrantedPrivileges p) => $"roster '{p.Roster}', message '{p.Message}', presence '{p.Presence}'".ToLowerInvariant();
}
