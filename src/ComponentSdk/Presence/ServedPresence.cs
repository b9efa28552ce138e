using System.Collections.Concurrent;
using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.Presence;

/// <summary>
/// Presence for the addresses a component serves (its domain and <c>user@domain</c>, RFC 6121 from the contact's
/// side): subscription requests are decided by a policy (accept, refuse, or ask the component), probes are answered
/// with the address's presence to subscribers, and every subscriber is told when the component becomes available
/// (each time it is ready) and when it goes away (when a shutdown begins). Subscriptions are kept in
/// <see cref="PresenceOptions.Store"/>.
/// </summary>
public sealed class ServedPresence
{
    private readonly Component component;
    private readonly PresenceOptions options;
    private readonly ConcurrentDictionary<(Jid Subscriber, Jid Served), byte> waiting = new();

    /// <summary>Handles presence to <paramref name="component"/> from now on: add it before <c>ConnectAsync</c>.</summary>
    public ServedPresence(Component component, PresenceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(component);
        this.component = component;
        this.options = options ?? new PresenceOptions();
        component.AddFilter("presence:served", "self::presence", (match, ct) => OnPresenceAsync(match.Stanza, ct));
        component.StatusChanged += (_, e) =>
        {
            if (e.Status == ConnectionStatus.Ready) _ = AnnounceAsync(available: true);
            else if (e.Status == ConnectionStatus.ShutdownStart) _ = AnnounceAsync(available: false);
        };
    }

    /// <summary>Subscription requests waiting for a decision (<see cref="SubscriptionDecision.Ask"/>).</summary>
    public IReadOnlyCollection<(Jid Subscriber, Jid Served)> Waiting => [.. waiting.Keys];

    /// <summary>Approves a waiting request (or subscribes someone who asked before): <c>subscribed</c> and the presence go out.</summary>
    public async ValueTask ApproveAsync(Jid subscriber, Jid served, CancellationToken cancellationToken = default)
    {
        waiting.TryRemove((subscriber.Bare, served), out _);
        await options.Store.AddAsync(subscriber.Bare, served, cancellationToken).ConfigureAwait(false);
        await SendAsync(Presence(served, subscriber.Bare, "subscribed"), cancellationToken).ConfigureAwait(false);
        await SendPresenceAsync(served, subscriber.Bare, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Refuses a waiting request, or ends an existing subscription: <c>unsubscribed</c> goes out.</summary>
    public async ValueTask RefuseAsync(Jid subscriber, Jid served, CancellationToken cancellationToken = default)
    {
        waiting.TryRemove((subscriber.Bare, served), out _);
        await options.Store.RemoveAsync(subscriber.Bare, served, cancellationToken).ConfigureAwait(false);
        await SendAsync(Presence(served, subscriber.Bare, "unsubscribed"), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends every subscriber the current presence of what it is subscribed to (after a change of <see cref="PresenceOptions.PresenceOf"/>).</summary>
    public Task AnnounceAsync(CancellationToken cancellationToken = default) => AnnounceAsync(available: true, cancellationToken);

    private async ValueTask OnPresenceAsync(XElement presence, CancellationToken cancellationToken)
    {
        if (!Jid.TryParse(presence.From(), out Jid? from) || !Jid.TryParse(presence.To(), out Jid? to)) return;
        Jid served = to.Bare;
        Jid subscriber = from.Bare;
        string? type = presence.Type();
        if (type is "error" or "subscribed" or "unsubscribed" or null or "unavailable") return; // nothing to answer
        if (!options.Serves(served))
        {
            await SendAsync(presence.ErrorFor("item-not-found"), cancellationToken).ConfigureAwait(false);
            return;
        }
        switch (type)
        {
            case "subscribe":
                if (await options.Store.ContainsAsync(subscriber, served, cancellationToken).ConfigureAwait(false))
                {
                    // Already subscribed (RFC 6121 §3.1.3): confirm again.
                    await ApproveAsync(subscriber, served, cancellationToken).ConfigureAwait(false);
                    return;
                }
                switch (await options.OnSubscribe(subscriber, served, cancellationToken).ConfigureAwait(false))
                {
                    case SubscriptionDecision.Accept: await ApproveAsync(subscriber, served, cancellationToken).ConfigureAwait(false); break;
                    case SubscriptionDecision.Refuse: await RefuseAsync(subscriber, served, cancellationToken).ConfigureAwait(false); break;
                    default: waiting.TryAdd((subscriber, served), 0); break;
                }
                break;
            case "unsubscribe":
                waiting.TryRemove((subscriber, served), out _);
                if (await options.Store.RemoveAsync(subscriber, served, cancellationToken).ConfigureAwait(false))
                    await SendAsync(Presence(served, subscriber, "unavailable"), cancellationToken).ConfigureAwait(false);
                break;
            case "probe":
                if (await options.Store.ContainsAsync(subscriber, served, cancellationToken).ConfigureAwait(false))
                    await SendPresenceAsync(served, from, cancellationToken).ConfigureAwait(false);
                else
                    await SendAsync(Presence(served, subscriber, "unsubscribed"), cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private async Task AnnounceAsync(bool available, CancellationToken cancellationToken = default)
    {
        try
        {
            foreach ((Jid subscriber, Jid served) in await options.Store.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                if (available) await SendPresenceAsync(served, subscriber, cancellationToken).ConfigureAwait(false);
                else await SendAsync(Presence(served, subscriber, "unavailable"), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or XmppException)
        {
            // The component went away meanwhile: there is nobody left to tell.
        }
    }

    private ValueTask SendPresenceAsync(Jid served, Jid to, CancellationToken cancellationToken)
    {
        XElement shown = options.PresenceOf(served) is { } presence ? new XElement(presence) : new XElement("presence", new XAttribute("type", "unavailable"));
        shown.SetAttributeValue(XmppNames.From, served.ToString());
        shown.SetAttributeValue(XmppNames.To, to.ToString());
        return SendAsync(shown, cancellationToken);
    }

    private ValueTask SendAsync(XElement stanza, CancellationToken cancellationToken) => component.SendAsync(stanza, cancellationToken);

    private static XElement Presence(Jid from, Jid to, string type) =>
        new("presence", new XAttribute(XmppNames.From, from.ToString()), new XAttribute(XmppNames.To, to.ToString()), new XAttribute(XmppNames.Type, type));
}
