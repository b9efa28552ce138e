using System.Reflection;
using System.Xml.Linq;
using ComponentSdk.Diagnostics;
using ComponentSdk.Dispatch;
using ComponentSdk.Transport;
using ComponentSdk.Xml;
using DotNetty.Common.Concurrency;
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
    private readonly ConnectionOptions options;
    private readonly string displayName; // computed once: it names every log line and metric
    private readonly ILogger logger;
    private readonly IEventLoop eventLoop;
    private readonly Dispatcher dispatcher;
    private readonly PendingRequests pending = new();
    private readonly KeyValuePair<string, object?> telemetryTag;
    private readonly FilterRegistry filters = new();
    private readonly OutgoingQueue queue;
    private readonly IqRouter iqRouter = new();
    private readonly DeliveryTracker? delivery;
    private readonly DuplicateFilter? duplicates;
    private readonly SemaphoreSlim lifecycle = new(1, 1);
    private readonly object gate = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly string resource;
    private string host;
    private int port;
    private Session? session;
    private bool ready;
    private Jid? jid;
    private string? boundResource; // a Client login's resource from the server, asked for again on reconnect
    private string? streamId;
    private int disposed;

    /// <summary>Creates the component; nothing connects until <see cref="ConnectAsync(CancellationToken)"/>.</summary>
    /// <exception cref="InvalidConnectionOptionsException">The options are not usable; the message names each problem.</exception>
    public Component(ConnectionOptions options, ILogger? logger = null) : this(options, logger, null) { }

    internal Component(ConnectionOptions options, ILogger? logger, IEventLoopGroup? eventLoops)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options.Clone();
        displayName = this.options.DisplayName;
        this.logger = logger ?? NullLogger.Instance;
        eventLoop = (eventLoops ?? EventLoops.For(this.options.Transport)).GetNext(); // every connection of this component runs on it
        host = options.Host;
        port = options.Port;
        resource = string.IsNullOrEmpty(options.Login.Resource) ? Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) : options.Login.Resource;
        queue = new OutgoingQueue(options.Limits.MaxQueuedStanzas);
        if (options.Delivery.Acknowledged == true) delivery = new DeliveryTracker();
        if (options.Delivery.DuplicateWindow is > 0 and int window) duplicates = new DuplicateFilter(window);
        dispatcher = new Dispatcher(ProcessAsync, options.Limits.MaxInboundBacklog, UpdateReading, options.RunHandlersOnEventLoop ? eventLoop : null);
        RegisterBuiltInResponders();
        telemetryTag = ComponentTelemetry.Tag(displayName);
        ComponentTelemetry.Register(this, displayName);
    }

    /// <summary>
    /// Raised for every step of the connection (PCJ's status events), in order, where handlers run: off the network
    /// thread unless <see cref="ConnectionOptions.RunHandlersOnEventLoop"/> is set.
    /// </summary>
    public event EventHandler<ConnectionStatusEventArgs>? StatusChanged;

    /// <summary>A copy of the options this component was created with (a new copy on each call: read it once, not per stanza).</summary>
    public ConnectionOptions Options => options.Clone();

    /// <summary>True while stanzas can be sent and received.</summary>
    public bool IsReady
    {
        get { lock (gate) return ready; }
    }

    /// <summary>Our address: the component's domain, the bound client JID, or the jabberd2 bound name. Null before the first ready.</summary>
    public Jid? Jid
    {
        get { lock (gate) return jid; }
    }

    /// <summary>The id the server gave the current stream, or null while not connected.</summary>
    public string? StreamId
    {
        get { lock (gate) return streamId; }
    }

    /// <summary>
    /// The resource a Legacy login names: the configured one, or one made at construction and reused on reconnect. A Client
    /// login without a configured resource takes the one the server picks, and asks for it again on reconnect (see
    /// <see cref="Jid"/>).
    /// </summary>
    public string Resource => resource;

    /// <summary>The ids of the requests waiting for a reply.</summary>
    public IReadOnlyCollection<string> PendingRequests => pending.Ids;

    /// <summary>
    /// With <see cref="DeliveryOptions.Acknowledged"/>: the stanzas handed to the connection that the server
    /// has not yet confirmed (they go back to the outgoing queue if the connection drops). Otherwise 0.
    /// </summary>
    public int UnconfirmedCount
    {
        get { lock (gate) return delivery?.Count ?? 0; }
    }

    /// <summary>Stanzas accepted while ready that wait to be written (bounded by <see cref="LimitOptions.MaxOutboundBacklog"/>).</summary>
    internal int OutboundBacklog
    {
        get { lock (gate) return session?.Connection.Pump.Count ?? 0; }
    }

    /// <summary>Received stanzas waiting for the handlers (reading pauses above <see cref="LimitOptions.MaxInboundBacklog"/>).</summary>
    internal int InboundBacklog => dispatcher.Depth;

    internal int QueuedCount => queue.Count;

    /// <summary>True on the network thread this component's connections run on.</summary>
    internal bool OnNetworkThread => eventLoop.InEventLoop;

    internal int PendingCount => pending.Count;

    /// <summary>A snapshot of the outgoing queue, oldest first.</summary>
    public IReadOnlyList<XElement> QueuedStanzas => queue.Snapshot();

    /// <summary>
    /// Raise PCJ's per-element statuses too: <see cref="ConnectionStatus.NodeSent"/>, <see cref="ConnectionStatus.NodeReceived"/>,
    /// <see cref="ConnectionStatus.NodeQueued"/>, <see cref="ConnectionStatus.RequestStart"/> and <see cref="ConnectionStatus.RequestFinish"/>.
    /// Off by default: each costs an event per stanza. Credentials in the elements of NodeSent are redacted.
    /// </summary>
    public bool RaiseElementEvents { get; set; }

    /// <summary>The name given in answers to XEP-0092 software version requests. Defaults to the component's assembly name.</summary>
    protected virtual string SoftwareName => GetType().Assembly.GetName().Name ?? GetType().Name;

    /// <summary>The version given in answers to XEP-0092 software version requests. Defaults to the component's assembly version.</summary>
    protected virtual string SoftwareVersion =>
        GetType().Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? GetType().Assembly.GetName().Version?.ToString() ?? "0";

    /// <summary>The logger given at construction.</summary>
    protected ILogger Logger => logger;

    /// <summary>Cancelled when the component is disposed; handlers receive it.</summary>
    protected CancellationToken Stopping => stopping.Token;

    /// <summary>
    /// Shuts the connection down cleanly (see <see cref="ShutdownAsync"/>) and stops dispatching: what was already
    /// received is still handled, for up to <see cref="ConnectionOptions.ShutdownTimeout"/>; then
    /// <see cref="Stopping"/> is cancelled. A handler that does not return a second after that is logged and left.
    /// Stanzas still in the outgoing queue are not sent; a warning gives their number (read
    /// <see cref="QueuedStanzas"/> before disposing to keep them).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        ComponentTelemetry.Unregister(this);
        StopReconnecting();
        try
        {
            using var timeout = new CancellationTokenSource(options.ShutdownTimeout + TimeSpan.FromSeconds(1));
            await ShutdownAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The connection is closed below regardless.
        }
        // A connect that was under way has finished (or failed) by now: whatever it made is closed here.
        await lifecycle.WaitAsync().ConfigureAwait(false);
        Session? current;
        lock (gate) current = session;
        if (current?.Connection.Channel is { } channel) await channel.CloseAsync().ConfigureAwait(false);
        lifecycle.Release();
        queue.ReleaseWaiters(); // senders waiting for room find the component disposed
        dispatcher.Stop();
        // What was received runs to the end, for up to ShutdownTimeout; then Stopping asks the handlers still running
        // to give up. One that ignores it is left behind with a warning: disposal does not fail because of it.
        if (!await CompletesWithinAsync(dispatcher.Completion, options.ShutdownTimeout).ConfigureAwait(false))
        {
            await stopping.CancelAsync().ConfigureAwait(false);
            if (!await CompletesWithinAsync(dispatcher.Completion, HandlerGraceAfterCancel).ConfigureAwait(false))
                Log.HandlersStillRunning(logger, displayName, dispatcher.Depth, options.ShutdownTimeout + HandlerGraceAfterCancel);
        }
        await stopping.CancelAsync().ConfigureAwait(false);
        // The queue waits for a purge that will not come now: say so rather than drop it silently.
        if (queue.Count is > 0 and int unsent) Log.UnsentOnDispose(logger, displayName, unsent);
        GC.SuppressFinalize(this);
    }

    private static readonly TimeSpan HandlerGraceAfterCancel = TimeSpan.FromSeconds(1);

    private static async Task<bool> CompletesWithinAsync(Task task, TimeSpan timeout)
    {
        await task.WaitAsync(timeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return task.IsCompleted;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
}
