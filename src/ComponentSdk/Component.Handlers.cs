using System.Xml.Linq;

namespace ComponentSdk;

public partial class Component
{
    /// <summary>Called (through the dispatcher) each time the connection becomes ready, after <see cref="ConnectionStatus.Ready"/>.</summary>
    protected virtual ValueTask OnReadyAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// Called for every stanza received while ready that is not a reply to a request, after the filters. The default
    /// calls <see cref="OnMessageAsync"/>, <see cref="OnPresenceAsync"/> or <see cref="OnIqAsync"/>. If it throws, the
    /// error is logged, an iq request is answered with <c>internal-server-error</c>, and the connection carries on.
    /// </summary>
    protected virtual ValueTask OnStanzaAsync(XElement stanza, CancellationToken cancellationToken)
    {
        if (stanza.Name.Namespace != XNamespace.None) return ValueTask.CompletedTask;
        return stanza.Name.LocalName switch
        {
            "message" => OnMessageAsync(stanza, cancellationToken),
            "presence" => OnPresenceAsync(stanza, cancellationToken),
            "iq" => OnIqAsync(stanza, cancellationToken),
            _ => ValueTask.CompletedTask,
        };
    }

    /// <summary>Called for each <c>&lt;message/&gt;</c>. Does nothing by default.</summary>
    protected virtual ValueTask OnMessageAsync(XElement message, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Called for each <c>&lt;presence/&gt;</c>. Does nothing by default.</summary>
    protected virtual ValueTask OnPresenceAsync(XElement presence, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// Called for each <c>&lt;iq/&gt;</c> that is not a reply to a request. The default runs the handler registered
    /// with <see cref="HandleIq"/> for its type and payload (ping, version, time and disco are built in) and answers
    /// a request nothing handles with <c>service-unavailable</c>, as RFC 6120 §8.4 requires.
    /// </summary>
    protected virtual ValueTask OnIqAsync(XElement iq, CancellationToken cancellationToken) => inbox.AnswerIqAsync(iq, cancellationToken);

    /// <summary>
    /// The items listed in disco#items answers (XEP-0030): JID, optional node and name. None by default; a component
    /// that hosts rooms, users or nodes lists them here. Asked for each request, so it may change over time.
    /// </summary>
    protected virtual IEnumerable<(string Jid, string? Node, string? Name)> DiscoItemsFor(XElement request) => [];

    /// <summary>
    /// jabberd2 only: a copy of a route sent to this component because it is bound as a log sink
    /// (<c>BindOption=log</c>). It must never be answered. Does nothing by default.
    /// </summary>
    protected virtual ValueTask OnLogAsync(XElement stanza, Jabberd2Route route, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
