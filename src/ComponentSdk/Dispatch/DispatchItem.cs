using System.Xml.Linq;

namespace ComponentSdk.Dispatch;

/// <summary>One unit of the application's work: a stanza to dispatch, a status to raise, or other work.</summary>
internal readonly struct DispatchItem
{
    private DispatchItem(XElement? stanza, ConnectionStatusEventArgs? status, Func<ValueTask>? work)
    {
        Stanza = stanza;
        Status = status;
        Work = work;
    }

    public XElement? Stanza { get; }

    public ConnectionStatusEventArgs? Status { get; }

    public Func<ValueTask>? Work { get; }

    public static DispatchItem ForStanza(XElement stanza) => new(stanza, null, null);

    public static DispatchItem ForStatus(ConnectionStatusEventArgs status) => new(null, status, null);

    public static DispatchItem ForWork(Func<ValueTask> work) => new(null, null, work);
}
