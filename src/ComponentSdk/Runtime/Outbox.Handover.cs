using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.Runtime;

/// <summary>
/// A graceful stop. Once a shutdown begins, nothing more may follow our closing tag on the stream, yet the server
/// still delivers what it routed to us before it read that tag, and the handlers answer it. From then on what is sent
/// is kept aside, in order, and goes out on a short handover connection once the stream has closed; what arrives on
/// that one while it is open is answered on it.
/// </summary>
internal sealed partial class Outbox
{
    private List<XElement>? handover; // while a shutdown hands over; under the gate
    private Session? handoverSession; // the handover connection while it takes stanzas directly; under the gate

    /// <summary>A shutdown begins: what is sent from now on waits for the handover.</summary>
    public void BeginHandover()
    {
        lock (state.Gate) handover ??= [];
    }

    /// <summary>What waits for the handover, in order; the list starts over empty.</summary>
    public List<XElement> TakeHandover()
    {
        lock (state.Gate)
        {
            if (handover is not { Count: > 0 } taken) return [];
            handover = [];
            return taken;
        }
    }

    /// <summary>A handover connection failed: its stanzas wait again, ahead of what came since.</summary>
    public void ReturnToHandover(List<XElement> stanzas)
    {
        lock (state.Gate)
        {
            if (handover is null) queue.Requeue(stanzas);
            else handover.InsertRange(0, stanzas);
        }
    }

    /// <summary>
    /// The handover connection is negotiated: what waits goes out on it, and so does what is sent until
    /// <see cref="CloseHandover"/>, so that what arrives on it meanwhile is answered on it.
    /// </summary>
    public void OpenHandover(Session current, List<XElement> stanzas)
    {
        lock (state.Gate)
        {
            handoverSession = current;
            foreach (XElement stanza in stanzas) HandOverDirectly(current, stanza);
        }
    }

    /// <summary>Ends the handover connection's stream behind what it was given; the task completes once the closing tag was written.</summary>
    public Task CloseHandover(Session current)
    {
        lock (state.Gate)
        {
            if (handoverSession == current) handoverSession = null;
            current.Connection.Context.MarkLocalClose();
            current.Connection.Context.MarkFooterSent();
            return current.Connection.Pump.EndStreamAsync();
        }
    }

    /// <summary>
    /// The shutdown is over: what could not be handed over in time goes to the front of the outgoing queue, for the
    /// next connection (or the count of unsent stanzas on disposal); returns how many.
    /// </summary>
    public int EndHandover()
    {
        lock (state.Gate)
        {
            handoverSession = null;
            if (handover is not { } left) return 0;
            handover = null;
            queue.Requeue(left);
            return left.Count;
        }
    }

    /// <summary>Under the gate: keeps a stanza sent during a shutdown for the handover; false when none is under way.</summary>
    private bool KeptForHandover(XElement stanza)
    {
        if (handover is null) return false;
        if (handoverSession is { } open)
        {
            HandOverDirectly(open, stanza);
            return true;
        }
        if (handover.Count >= queue.Capacity) throw new OutgoingQueueFullException(queue.Capacity);
        handover.Add(stanza);
        return true;
    }

    /// <summary>Under the gate: onto the handover connection, addressed as every stanza of ours (it tracks nothing).</summary>
    private void HandOverDirectly(Session current, XElement stanza)
    {
        if (Options.ConnectionType == ConnectionType.Accept && state.Jid is { } jid && stanza.Attribute(XmppNames.From) is null)
            stanza.SetAttributeValue(XmppNames.From, jid.ToString());
        current.Connection.Pump.Enqueue(stanza);
    }
}
