using System.Xml.Linq;

namespace ComponentSdk.Transport;

/// <summary>What the pipeline of one connection reports to its owner. Called on the connection's event loop.</summary>
internal interface IConnectionObserver
{
    /// <summary>True when someone listens for per-element statuses (NodeSent), which are otherwise not raised.</summary>
    bool WantsElementEvents { get; }

    /// <summary>A status event.</summary>
    void OnStatus(ConnectionStatusEventArgs status);

    /// <summary>Negotiation finished: stanzas flow from now on.</summary>
    void OnNegotiated(SessionEstablished session);

    /// <summary>A stanza arrived after negotiation.</summary>
    void OnStanza(XElement stanza);

    /// <summary>
    /// A stanza we sent came back undelivered (a jabberd2 route with an error): it fails the request it belongs to and
    /// is never handled as new traffic.
    /// </summary>
    void OnBounced(XElement stanza, XmppException error);

    /// <summary>A copy of someone else's traffic for a log sink (jabberd2 <c>type='log'</c>): it must never be answered.</summary>
    void OnLogCopy(XElement stanza, Jabberd2Route route);

    /// <summary>The connection closed; <paramref name="error"/> says why, null after a clean shutdown.</summary>
    void OnClosed(Exception? error);
}
