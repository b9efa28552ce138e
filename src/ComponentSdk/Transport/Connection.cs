using System.Net;
using System.Net.Sockets;
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

    /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/> and starts the negotiation.</summary>
    public async Task OpenAsync(IEventLoopGroup group, string host, int port, Func<ConnectionContext, IChannelHandler> negotiation, CancellationToken cancellationToken)
    {
        IPAddress address = await ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        Bootstrap bootstrap = new Bootstrap()
            .Group(group)
            .ChannelFactory(NewSocketChannel) // not Channel<T>(), whose reflection fails under Native AOT
            .Option(ChannelOption.TcpNodelay, true)
            .Option(ChannelOption.ConnectTimeout, Context.Options.ConnectTimeout)
            .Handler(new ActionChannelInitializer<IChannel>(channel => Attach(channel, negotiation(Context))));

        Task<IChannel> connect = bootstrap.ConnectAsync(new IPEndPoint(address, port));
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
        if (Context.Options.TlsMode() == TlsPolicy.Direct) pipeline.AddLast(PipelineNames.Tls, TlsHandlers.CreateClient(Context));
        pipeline.AddLast(PipelineNames.Bytes, new ByteMeter(Context));
        pipeline.AddLast(PipelineNames.Framer, new StanzaFramer(Context.Limits));
        pipeline.AddLast(PipelineNames.Codec, new XmlStanzaCodec(Context.Limits));
        ConnectionOptions options = Context.Options;
        if (options.Liveness.PingInterval > TimeSpan.Zero || options.Liveness.KeepAliveInterval > TimeSpan.Zero)
            pipeline.AddLast(PipelineNames.Idle, new IdleStateHandler(options.Liveness.PingInterval, options.Liveness.KeepAliveInterval, TimeSpan.Zero));
        if (Context.Options.Debug || Context.Logger.IsEnabled(LogLevel.Trace)) pipeline.AddLast(PipelineNames.Trace, new XmlTraceHandler(Context));
        pipeline.AddLast(PipelineNames.Events, new StreamEventsHandler(Context));
        pipeline.AddLast(PipelineNames.Negotiation, negotiation);
        pipeline.AddLast(PipelineNames.Liveness, new LivenessHandler(Context));
        pipeline.AddLast(PipelineNames.Dispatch, new DispatchHandler(Context));
    }

    private static async Task<IPAddress> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out IPAddress? literal)) return literal;
        IPAddress[] addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new SocketException((int)SocketError.HostNotFound);
    }
}
