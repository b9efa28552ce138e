using System.Reflection;
using System.Xml.Linq;
using ComponentSdk.Diagnostics;
using ComponentSdk.Dispatch;
using ComponentSdk.Runtime;
using ComponentSdk.Runtime.Responders;
using ComponentSdk.Transport;
using DotNetty.Transport.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ComponentSdk;

/// <summary>
/// An XMPP connection with a dispatch layer: subclass it, override the handlers you need
/// (<see cref="OnMessageAsync"/>, <see cref="OnIqAsync"/>, ...), and call <see cref="ConnectAsync(CancellationToken)"/>.
/// </summary>
/// <remarks>
/// <para>
/// Handlers, filters and <see cref="StatusChanged"/> run one at a time, in the order things happened, on the thread
/// pool: never on the network thread, so a handler may block or await without stalling the connection. With
/// <see cref="ConnectionOptions.RunHandlersOnEventLoop"/> they run on the network thread instead, which saves two
/// thread switches per stanza, for handlers that never block. Either way, while the application is more than
/// <see cref="LimitOptions.MaxInboundBacklog"/> stanzas behind, the connection stops reading from the socket.
/// </para>
/// <para>
/// <see cref="SendAsync"/> never loses what it accepted: while the connection is not ready stanzas go to the
/// outgoing queue, in order, until <see cref="PurgeQueueAsync"/> (or <see cref="DeliveryOptions.PurgeQueueOnReady"/>).
/// </para>
/// </remarks>
public partial class Component : IAsyncDisposable
{
    private readonly ComponentState state;
    private readonly IEventLoop eventLoop;
    private readonly PendingRequests pending = new();
    private readonly Dispatcher dispatcher;
    private readonly ReadingControl reading;
    private readonly Outbox outbox;
    private readonly Inbox inbox;
    private readonly Requests requests;
    private readonly ConnectionSupervisor supervisor;
    private readonly ComponentGauges gauges;
    private readonly DiscoNodes discoNodes = new();

    /// <summary>Creates the component; nothing connects until <see cref="ConnectAsync(CancellationToken)"/>.</summary>
    /// <exception cref="InvalidConnectionOptionsException">The options are not usable; the message names each problem.</exception>
    public Component(ConnectionOptions options, ILogger? logger = null) : this(options, logger, null) { }

    internal Component(ConnectionOptions options, ILogger? logger, IEventLoopGroup? eventLoops)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        options = options.Clone();
        state = new ComponentState(this, options, logger ?? NullLogger.Instance);
        eventLoop = (eventLoops ?? EventLoops.For(options.Transport)).GetNext(); // every connection of this component runs on it
        dispatcher = new Dispatcher(item => inbox!.ProcessAsync(item), options.Limits.MaxInboundBacklog, () => reading!.Update(),
            options.RunHandlersOnEventLoop ? eventLoop : null);
        reading = new ReadingControl(state, dispatcher);
        var status = new StatusReporter(state, dispatcher, e => StatusChanged?.Invoke(this, e));
        outbox = new Outbox(state, pending, status);
        inbox = new Inbox(state, dispatcher, pending, outbox, status, OnReadyAsync, OnStanzaAsync, OnLogAsync);
        requests = new Requests(state, pending, outbox, status);
        supervisor = new ConnectionSupervisor(state, eventLoop, outbox, inbox, pending, status);
        gauges = new ComponentGauges(outbox, inbox, pending);
        HandleIq("get", TimeResponder.Payload, new TimeResponder(() => Clock).AnswerAsync);
        HandleIq("get", DiscoItemsResponder.Payload, new DiscoItemsResponder(DiscoItemsFor, discoNodes).AnswerAsync);
        HandleIq("get", PingResponder.Payload, PingResponder.AnswerAsync);
        HandleIq("get", VersionResponder.Payload, new VersionResponder(() => SoftwareName, () => SoftwareVersion).AnswerAsync);
        HandleIq("get", DiscoInfoResponder.Payload, new DiscoInfoResponder(() => DiscoIdentity, () => inbox.Features, discoNodes).AnswerAsync);
        ComponentTelemetry.Register(gauges, state.DisplayName);
    }

    /// <summary>
    /// Raised for every step of the connection (PCJ's status events), in order, where handlers run: off the network
    /// thread unless <see cref="ConnectionOptions.RunHandlersOnEventLoop"/> is set.
    /// </summary>
    public event EventHandler<ConnectionStatusEventArgs>? StatusChanged;

    /// <summary>A copy of the options this component was created with (a new copy on each call: read it once, not per stanza).</summary>
    public ConnectionOptions Options => state.Options.Clone();

    /// <summary>True while stanzas can be sent and received.</summary>
    public bool IsReady
    {
        get { lock (state.Gate) return state.Ready; }
    }

    /// <summary>Our address: the component's domain, the bound client JID, or the jabberd2 bound name. Null before the first ready.</summary>
    public Jid? Jid => state.Jid;

    /// <summary>The id the server gave the current stream, or null while not connected.</summary>
    public string? StreamId
    {
        get { lock (state.Gate) return state.StreamId; }
    }

    /// <summary>
    /// The resource a Legacy login names: the configured one, or one made at construction and reused on reconnect. A Client
    /// login without a configured resource takes the one the server picks, and asks for it again on reconnect (see
    /// <see cref="Jid"/>).
    /// </summary>
    public string Resource => supervisor.Resource;

    /// <summary>The ids of the requests waiting for a reply.</summary>
    public IReadOnlyCollection<string> PendingRequests => pending.Ids;

    /// <summary>
    /// With <see cref="DeliveryOptions.Acknowledged"/>: the stanzas handed to the connection that the server
    /// has not yet confirmed (they go back to the outgoing queue if the connection drops). Otherwise 0.
    /// </summary>
    public int UnconfirmedCount => outbox.UnconfirmedCount;

    /// <summary>A snapshot of the outgoing queue, oldest first.</summary>
    public IReadOnlyList<XElement> QueuedStanzas => outbox.QueuedStanzas;

    /// <summary>
    /// Raise PCJ's per-element statuses too: <see cref="ConnectionStatus.NodeSent"/>, <see cref="ConnectionStatus.NodeReceived"/>,
    /// <see cref="ConnectionStatus.NodeQueued"/>, <see cref="ConnectionStatus.RequestStart"/> and <see cref="ConnectionStatus.RequestFinish"/>.
    /// Off by default: each costs an event per stanza. Credentials in the elements of NodeSent are redacted.
    /// </summary>
    public bool RaiseElementEvents
    {
        get => state.RaiseElementEvents;
        set => state.RaiseElementEvents = value;
    }

    internal int OutboundBacklog => outbox.OutboundBacklog;

    internal int InboundBacklog => inbox.Backlog;

    /// <summary>True on the network thread this component's connections run on.</summary>
    internal bool OnNetworkThread => eventLoop.InEventLoop;

    /// <summary>The name given in answers to XEP-0092 software version requests. Defaults to the component's assembly name.</summary>
    protected virtual string SoftwareName => GetType().Assembly.GetName().Name ?? GetType().Name;

    /// <summary>The version given in answers to XEP-0092 software version requests. Defaults to the component's assembly version.</summary>
    protected virtual string SoftwareVersion =>
        GetType().Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? GetType().Assembly.GetName().Version?.ToString() ?? "0";

    /// <summary>The identity given in disco#info answers: category, type and name (XEP-0030).</summary>
    protected virtual (string Category, string Type, string Name) DiscoIdentity => ("component", "generic", state.DisplayName);

    /// <summary>The clock XEP-0202 time answers read; a test can replace it.</summary>
    protected virtual TimeProvider Clock => TimeProvider.System;

    /// <summary>The logger given at construction.</summary>
    protected ILogger Logger => state.Logger;

    /// <summary>Cancelled when the component is disposed; handlers receive it.</summary>
    protected CancellationToken Stopping => state.Stopping.Token;

    /// <summary>
    /// Shuts the connection down cleanly (see <see cref="ShutdownAsync"/>: what arrives until the server closes its
    /// stream is handled, and what the handlers send meanwhile is handed over) and stops dispatching: what was already
    /// received is still handled, for up to <see cref="ConnectionOptions.ShutdownTimeout"/>; then
    /// <see cref="Stopping"/> is cancelled. A handler that does not return a second after that is logged and left.
    /// Stanzas still in the outgoing queue are not sent; a warning gives their number (read
    /// <see cref="QueuedStanzas"/> before disposing to keep them).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (!state.MarkDisposed()) return;
        ComponentTelemetry.Unregister(gauges);
        supervisor.StopReconnecting();
        try
        {
            using var timeout = new CancellationTokenSource(state.Options.ShutdownTimeout + TimeSpan.FromSeconds(1));
            await supervisor.ShutdownAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The connection is closed below regardless.
        }
        await supervisor.CloseAsync().ConfigureAwait(false); // what a connect under way made is closed too
        outbox.ReleaseWaiters(); // senders waiting for room find the component disposed
        await inbox.DrainAsync(state.Options.ShutdownTimeout).ConfigureAwait(false);
        state.CloseSends();
        // The queue waits for a purge that will not come now: say so rather than drop it silently.
        if (outbox.QueuedCount is > 0 and int unsent) Log.UnsentOnDispose(state.Logger, state.DisplayName, unsent);
        GC.SuppressFinalize(this);
    }
}
