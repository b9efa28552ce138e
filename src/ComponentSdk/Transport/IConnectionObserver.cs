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

    /// <summary>The connection closed; <paramref name="error"/> says why, null after a clean shutdown.</summary>
    void OnClosed(Exception? error);
}
