using System.Xml.Linq;
using ComponentSdk.Dispatch;
using ComponentSdk.Xml;

namespace ComponentSdk;

public partial class Component
{
    /// <summary>
    /// Sends a stanza (PCJ's <c>output</c>): handed to the connection when it is ready, otherwise put in the outgoing
    /// queue (see <see cref="PurgeQueueAsync"/>). Returns once the stanza is accepted; accepted stanzas are not lost
    /// when the connection drops before they reach it, they go back to the queue in order.
    /// </summary>
    /// <exception cref="InvalidXmlCharacterException">The stanza contains a character XML 1.0 does not allow; nothing was sent.</exception>
    /// <exception cref="StanzaTooLargeToSendException">The stanza is larger than <see cref="LimitOptions.MaxOutgoingStanzaBytes"/>.</exception>
    /// <exception cref="OutgoingQueueFullException">Not ready, the queue holds <see cref="LimitOptions.MaxQueuedStanzas"/>
    /// already, and <see cref="DeliveryOptions.QueueFullPolicy"/> is <see cref="QueueFullPolicy.Fail"/>.</exception>
    /// <remarks>
    /// Returns at once in the common case. It waits (backpressure) while <see cref="LimitOptions.MaxOutboundBacklog"/>
    /// stanzas wait for a slow network, or while the queue is full under <see cref="QueueFullPolicy.Wait"/>.
    /// During <see cref="ShutdownAsync"/> and <see cref="DisposeAsync"/> handlers can still send: what they send goes
    /// out on a short handover connection once the closing stream has ended.
    /// </remarks>
    /// <exception cref="ObjectDisposedException">Disposal has finished.</exception>
    public ValueTask SendAsync(XElement stanza, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stanza);
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfSendsClosed();
        return outbox.SendAsync(stanza, cancellationToken);
    }

    /// <summary>
    /// Sends a request and completes with the reply (PCJ's <c>return_to_sender</c>): the first stanza that carries the
    /// request's id and comes from its recipient (for a request without <c>to</c>: from the server, from our own address
    /// or without <c>from</c>); for an iq, a <c>result</c> or an <c>error</c>. A stanza with the id from anyone else is
    /// ordinary traffic. A caller's id is kept unless it is already pending; otherwise an unguessable id (96 random bits)
    /// is set on <paramref name="request"/>. Replies skip the filters and handlers. A request made while not ready is
    /// queued with the rest and waits (its timeout runs from now).
    /// </summary>
    /// <param name="request">The stanza, usually an iq get or set.</param>
    /// <param name="timeout">How long to wait; <see cref="ConnectionOptions.RequestTimeout"/> when null.</param>
    /// <param name="cancellationToken">Cancels the wait (the request may still have been sent).</param>
    /// <exception cref="RequestTimeoutException">No reply in time.</exception>
    /// <exception cref="ConnectionLostException">The connection closed (or was reconnected) before the reply came.</exception>
    public Task<XElement> RequestAsync(XElement request, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        TimeSpan wait = timeout ?? state.Options.RequestTimeout;
        if (wait <= TimeSpan.Zero && wait != Timeout.InfiniteTimeSpan) throw new ArgumentOutOfRangeException(nameof(timeout), "The timeout must be positive.");
        return requests.SendAsync(request, wait, cancellationToken);
    }

    /// <summary>
    /// Sends the outgoing queue in order (PCJ's <c>purge_queue</c>) and returns how many stanzas were handed to the
    /// connection. When the connection is not ready they stay queued, in order. Stanzas that a lost connection left
    /// unconfirmed go first, a few at a time (see <see cref="DeliveryOptions.MaxAttempts"/>), and the rest
    /// follows them.
    /// </summary>
    public Task<int> PurgeQueueAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(outbox.Purge());
    }

    /// <summary>
    /// Adds an XPath filter (PCJ's <c>xpath_filter add</c>): for every stanza received after the connection is ready
    /// (replies to requests excepted), when <paramref name="xpath"/> selects at least one node (or a boolean expression
    /// is true), <paramref name="handler"/> runs with the matches. Filters run in the order added, before the
    /// <c>On...Async</c> handlers, and are kept across reconnects. Stanzas are the root of their own document, so
    /// <c>/message[@type='chat']/body</c> and <c>self::message</c> both work without prefixes; payload namespaces
    /// need a prefix from <paramref name="namespaces"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The expression is invalid or uses a prefix that is not declared.</exception>
    public void AddFilter(string name, string xpath, Func<FilterMatch, CancellationToken, ValueTask> handler, IReadOnlyDictionary<string, string>? namespaces = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(xpath);
        ArgumentNullException.ThrowIfNull(handler);
        inbox.AddFilter(StanzaFilter.Create(name, xpath, handler, namespaces));
    }

    /// <summary>Adds a filter with a synchronous handler; see <see cref="AddFilter(string, string, Func{FilterMatch, CancellationToken, ValueTask}, IReadOnlyDictionary{string, string}?)"/>.</summary>
    public void AddFilter(string name, string xpath, Action<FilterMatch> handler, IReadOnlyDictionary<string, string>? namespaces = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        AddFilter(name, xpath, (match, _) =>
        {
            handler(match);
            return ValueTask.CompletedTask;
        }, namespaces);
    }

    /// <summary>Removes every filter added under <paramref name="name"/> (PCJ's <c>xpath_filter remove</c>); returns how many.</summary>
    public int RemoveFilter(string name) => inbox.RemoveFilter(name);

    /// <summary>
    /// Handles iq requests of <paramref name="type"/> (<c>get</c> or <c>set</c>) whose payload is
    /// <paramref name="payload"/>: the handler returns the reply to send, or null when it answered itself. Its
    /// namespace is advertised in disco#info. Replaces an earlier handler for the same type and payload (the built-in
    /// ping, version, time, disco#info and disco#items answers included).
    /// </summary>
    public void HandleIq(string type, XName payload, Func<XElement, CancellationToken, ValueTask<XElement?>> handler)
    {
        if (type is not ("get" or "set")) throw new ArgumentException("The type of an iq request is 'get' or 'set'.", nameof(type));
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(handler);
        inbox.HandleIq(type, payload, handler);
    }

    /// <summary>
    /// Answers disco#info and disco#items requests for <paramref name="node"/> of this component (XEP-0030 §3.2, §4.2):
    /// <paramref name="info"/> gives its identities and features for the request, or null when the requester may not
    /// see it (then both are answered with <c>item-not-found</c>); <paramref name="items"/> lists what is under it.
    /// Replaces an earlier registration of the node. Helpers such as ad-hoc commands register their nodes here.
    /// </summary>
    public void AddDiscoNode(string node, Func<XElement, DiscoNodeInfo?> info, Func<XElement, IEnumerable<DiscoItem>>? items = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(node);
        ArgumentNullException.ThrowIfNull(info);
        discoNodes.Add(node, info, items);
    }

    /// <summary>Stops answering for a node added with <see cref="AddDiscoNode"/>; false when it was not there.</summary>
    public bool RemoveDiscoNode(string node) => discoNodes.Remove(node);
}
