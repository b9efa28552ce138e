using System.Xml.Linq;
using ComponentSdk.Transport;

namespace ComponentSdk.Runtime;

/// <summary>
/// One connection attempt and the observer of its pipeline; callbacks from an attempt that is no longer current are
/// ignored by the parts they go to.
/// </summary>
internal sealed class Session : IConnectionObserver
{
    private readonly ConnectionSupervisor supervisor;
    private readonly Inbox inbox;
    private readonly ComponentState state;
    private readonly StatusReporter status;
    private readonly TaskCompletionSource negotiated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int received;

    public Session(ConnectionSupervisor supervisor, Inbox inbox, ComponentState state, StatusReporter status, string? resource,
        StreamManagementSession? resumable, bool handover = false)
    {
        IsHandover = handover;
        this.supervisor = supervisor;
        this.inbox = inbox;
        this.state = state;
        this.status = status;
        Connection = new Connection(new ConnectionContext(state.Options, this, state.Logger, resource, resumable));
    }

    public Connection Connection { get; }

    /// <summary>A short connection of a shutdown: it sends what the handlers sent meanwhile, then closes; never ready.</summary>
    public bool IsHandover { get; }

    public Task Negotiated => negotiated.Task;

    /// <summary>Completes once the closed connection has been accounted for (unconfirmed stanzas requeued, requests failed).</summary>
    public Task Closed => closed.Task;

    public bool WantsElementEvents => state.RaiseElementEvents;

    /// <summary>Stanzas received so far (counted on a handover connection only, to see when it has gone quiet).</summary>
    public int Received => Volatile.Read(ref received);

    // A handover connection is plumbing of the shutdown: its steps are not steps of the component's connection.
    public void OnStatus(ConnectionStatusEventArgs status)
    {
        if (!IsHandover) this.status.Post(status);
    }

    public void OnNegotiated(SessionEstablished session)
    {
        supervisor.OnReady(this, session);
        negotiated.TrySetResult();
    }

    public void OnStanza(XElement stanza)
    {
        if (IsHandover) Interlocked.Increment(ref received);
        inbox.OnStanza(stanza);
    }

    public void OnBounced(XElement stanza, XmppException error) => inbox.OnBounced(stanza, error);

    public void OnLogCopy(XElement stanza, Jabberd2Route route) => inbox.OnLogCopy(stanza, route);

    public void OnClosed(Exception? error)
    {
        supervisor.OnClosed(this, error);
        // A socket error (a reset) reaches the caller of ConnectAsync as what it means there: the connection was lost.
        negotiated.TrySetException(error switch
        {
            null => new ConnectionLostException("The connection closed during negotiation."),
            XmppException known => known,
            _ => new ConnectionLostException($"The connection was lost during negotiation: {error.Message}", error),
        });
        closed.TrySetResult();
    }
}
