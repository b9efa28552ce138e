using System.Net;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using ComponentSdk.Xml;
using DotNetty.Handlers.Timeout;
using DotNetty.Transport.Bootstrapping;
using DotNetty.Transport.Channels;
using Microsoft.Extensions.Logging;
using DotNetty.Transport.Channels.Sockets;

namespace ComponentSdk.Transport;

/// <summary>
/// One TCP connection and its pipeline: socket, framer, codec, (trace), events, negotiation, dispatch. The
/// channel and its <see cref="OutboundPump"/> exist before any byte is exchanged, so the pipeline can report
/// negotiation results before <see cref="OpenAsync"/> has returned.
/// </summary>
internal sealed class Connection
{
    private OutboundPump? pump;

    public Connection(ConnectionContext context) => Context = context;

    public ConnectionContext Context { get; }

    public IChannel? Channel { get; private set; }

    public OutboundPump Pump => pump ?? throw new InvalidOperationException("The connection has no channel yet.");

    /// <summary>
    /// Connects to <paramref name="host"/>:<paramref name="port"/> (an empty host: the server of the domain, found
    /// through DNS) and starts the negotiation. Targets are tried in order, and the addresses of each in RFC 8305
    /// fashion: a new attempt starts when one fails or has run for <see cref="DnsOptions.AttemptDelay"/>, and the first
    /// to connect is kept.
    /// </summary>
    public async Task OpenAsync(IEventLoopGroup group, string host, int port, Func<ConnectionContext, IChannelHandler> negotiation, CancellationToken cancellationToken)
    {
        var locator = new ServerLocator(Context.Options);
        var failures = new List<(string Where, Exception Error)>();
        IReadOnlyList<ServerTarget> targets = await locator.TargetsAsync(host, port, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(host)) Log.TargetsFound(Context.Logger, Context.Options.DisplayName, string.Join(", ", targets));
        foreach (ServerTarget target in targets)
        {
            IReadOnlyList<IPAddress> addresses;
            try
            {
                addresses = await locator.AddressesAsync(target.Host, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                failures.Add((target.Host, ex));
                Log.AddressFailed(Context.Logger, Context.Options.DisplayName, target.ToString(), ex.Message);
                continue;
            }
            Context.DirectTls = target.DirectTls;
            if (await RaceAsync(group, addresses, target.Port, negotiation, failures, cancellationToken).ConfigureAwait(false)) return;
        }
        if (failures.Count == 1 && !string.IsNullOrWhiteSpace(host)) ExceptionDispatchInfo.Throw(failures[0].Error);
        // Several tried, or what DNS found: the last one's error code (refused, timed out...) with every attempt in the message.
        SocketError code = failures.Count > 0 && failures[^1].Error is SocketException last ? last.SocketErrorCode : SocketError.HostUnreachable;
        throw new SocketException((int)code, "Every address failed: " + string.Join("; ", failures.Select(f => $"{f.Where}: {f.Error.Message.TrimEnd('.')}")) + ".");
    }

    /// <summary>Tries <paramref name="addresses"/>, staggered; true once one connected and carries the pipeline.</summary>
    private async Task<bool> RaceAsync(IEventLoopGroup group, IReadOnlyList<IPAddress> addresses, int port,
        Func<ConnectionContext, IChannelHandler> negotiation, List<(string Where, Exception Error)> failures, CancellationToken cancellationToken)
    {
        var won = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int winner = 0;
        bool TryWin(IChannel channel)
        {
            if (Interlocked.Exchange(ref winner, 1) != 0) return false;
            Attach(channel, negotiation(Context));
            won.TrySetResult();
            return true;
        }

        using var stagger = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pending = new Dictionary<Task, IPEndPoint>();
        int next = 0;
        Task? delay = null;
        while (true)
        {
            if (delay is null && next < addresses.Count)
            {
                var endpoint = new IPEndPoint(addresses[next++], port);
                pending.Add(AttemptAsync(group, endpoint, TryWin, cancellationToken), endpoint);
                delay = next < addresses.Count ? Task.Delay(Context.Options.Dns.AttemptDelay, stagger.Token) : null;
            }
            if (pending.Count == 0) return false;
            Task finished = await Task.WhenAny([won.Task, .. pending.Keys, .. delay is null ? Array.Empty<Task>() : [delay]]).ConfigureAwait(false);
            if (won.Task.IsCompleted)
            {
                stagger.Cancel();
                return true;
            }
            if (finished == delay)
            {
                delay = null; // the next address starts alongside
                continue;
            }
            IPEndPoint tried = pending[finished];
            pending.Remove(finished);
            if (finished.IsFaulted)
            {
                Exception error = finished.Exception!.GetBaseException();
                failures.Add((tried.ToString(), error));
                Log.AddressFailed(Context.Logger, Context.Options.DisplayName, tried.ToString(), error.Message);
                delay = null; // a failure starts the next address at once (RFC 8305 §5)
            }
            else if (finished.IsCanceled)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            else if (pending.Count == 0 && next == addresses.Count)
            {
                // Connected: its gate is about to run, or lost to an attempt that is no longer pending.
                await won.Task.WaitAsync(Context.Options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
                return true;
            }
        }
    }

    /// <summary>One TCP connection attempt, its pipeline only the gate; a late success after a timeout is closed.</summary>
    private async Task AttemptAsync(IEventLoopGroup group, IPEndPoint endpoint, Func<IChannel, bool> tryWin, CancellationToken cancellationToken)
    {
        Bootstrap bootstrap = new Bootstrap()
            .Group(group)
            .ChannelFactory(NewSocketChannel) // not Channel<T>(), whose reflection fails under Native AOT
            .Option(ChannelOption.TcpNodelay, true)
            .Option(ChannelOption.ConnectTimeout, Context.Options.ConnectTimeout)
            .Handler(new ActionChannelInitializer<IChannel>(channel => channel.Pipeline.AddLast(new AttemptGate(tryWin))));

        Task<IChannel> connect = bootstrap.ConnectAsync(endpoint);
        try
        {
            await connect.WaitAsync(Context.Options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // The attempt may still complete later: make sure it does not leave a socket behind.
            _ = connect.ContinueWith(static t => t.Result.CloseAsync(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            if (ex is TimeoutException) throw new TimeoutException($"No TCP connection within {Context.Options.ConnectTimeout.TotalSeconds:0.###} s.", ex);
            throw;
        }
    }

    /// <summary>
    /// The channel of the connection's transport: a reader thread of its own for <see cref="TransportMode.Dedicated"/>
    /// (where it exists; it needs the inline loops of <see cref="EventLoops.For"/>), DotNetty's socket channel otherwise.
    /// </summary>
    private IChannel NewSocketChannel() =>
        Context.Options.Transport == TransportMode.Dedicated && BlockingSocketChannel.IsSupported ? new BlockingSocketChannel() : new TcpSocketChannel();

    /// <summary>Makes <paramref name="channel"/> this connection's and builds its pipeline; TCP or an in-memory channel.</summary>
    public void Attach(IChannel channel, IChannelHandler negotiation)
    {
        Channel = channel;
        pump = new OutboundPump(channel, Context);
        Build(channel.Pipeline, negotiation);
    }

    private void Build(IChannelPipeline pipeline, IChannelHandler negotiation)
    {
        if (Context.DirectTls) pipeline.AddLast(PipelineNames.Tls, TlsHandlers.CreateClient(Context));
        pipeline.AddLast(PipelineNames.Bytes, new ByteMeter(Context));
        pipeline.AddLast(PipelineNames.Framer, new StanzaFramer(Context.Limits));
        pipeline.AddLast(PipelineNames.Codec, new XmlStanzaCodec(Context.Limits));
        ConnectionOptions options = Context.Options;
        if (options.Liveness.PingInterval > TimeSpan.Zero || options.Liveness.KeepAliveInterval > TimeSpan.Zero)
            pipeline.AddLast(PipelineNames.Idle, new IdleStateHandler(options.Liveness.PingInterval, options.Liveness.KeepAliveInterval, TimeSpan.Zero));
        if (Context.Options.Debug || Context.Logger.IsEnabled(LogLevel.Trace)) pipeline.AddLast(PipelineNames.Trace, new XmlTraceHandler(Context));
        pipeline.AddLast(PipelineNames.Events, new StreamEventsHandler(Context));
        pipeline.AddLast(PipelineNames.Negotiation, negotiation);
        if (options.ConnectionType == ConnectionType.Client && options.StreamManagement.Enabled)
            pipeline.AddLast(PipelineNames.StreamManagement, new StreamManagementHandler(Context));
        pipeline.AddLast(PipelineNames.Liveness, new LivenessHandler(Context));
        pipeline.AddLast(PipelineNames.Dispatch, new DispatchHandler(Context));
    }
}
