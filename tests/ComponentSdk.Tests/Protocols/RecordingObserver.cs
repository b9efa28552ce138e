using System.Xml.Linq;
using ComponentSdk.Transport;

namespace ComponentSdk.Tests.Protocols;

/// <summary>Stands in for the component: records what a connection's pipeline reports.</summary>
internal sealed class RecordingObserver : IConnectionObserver
{
    public List<ConnectionStatusEventArgs> Statuses { get; } = [];
    public List<XElement> Stanzas { get; } = [];
    public List<(XElement Stanza, XmppException Error)> Bounced { get; } = [];
    public List<(XElement Stanza, Jabberd2Route Route)> LogCopies { get; } = [];
    public SessionEstablished? Established { get; private set; }
    public bool Closed { get; private set; }
    public Exception? CloseError { get; private set; }

    public bool WantsElementEvents { get; set; } = true;

    public void OnStatus(ConnectionStatusEventArgs status) => Statuses.Add(status);

    public void OnNegotiated(SessionEstablished session) => Established = session;

    public void OnStanza(XElement stanza) => Stanzas.Add(stanza);

    public void OnBounced(XElement stanza, XmppException error) => Bounced.Add((stanza, error));

    public void OnLogCopy(XElement stanza, Jabberd2Route route) => LogCopies.Add((stanza, route));

    public void OnClosed(Exception? error)
    {
        Closed = true;
        CloseError = error;
    }
}
