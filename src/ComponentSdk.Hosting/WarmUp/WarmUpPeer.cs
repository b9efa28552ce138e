using System.Net;
using ComponentSdk.Xml;
using DotNetty.Transport.Bootstrapping;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Sockets;

namespace ComponentSdk.Hosting.WarmUp;

/// <summary>
/// The server end of the warm-up: a XEP-0114 listener on 127.0.0.1 that accepts one component and exchanges a fixed
/// number of stanzas with it (see <see cref="WarmUpSession"/>). It is built from the SDK's own framer and codec, so
/// that its side of the traffic warms the same code.
/// </summary>
internal sealed class WarmUpPeer : IAsyncDisposable
{
    private readonly MultithreadEventLoopGroup loop = new(1);
    private readonly TaskCompletionSource completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IChannel? listener;
    private IChannel? child;

    private WarmUpPeer() { }

    /// <summary>The port it listens on.</summary>
    public int Port { get; private set; }

    /// <summary>Completes when the component has answered every stanza; faults when the connection ends before.</summary>
    public Task Completion => completion.Task;

    public static async Task<WarmUpPeer> StartAsync(string domain, string secret, int stanzas)
    {
        var peer = new WarmUpPeer();
        try
        {
            ServerBootstrap bootstrap = new ServerBootstrap()
                .Group(peer.loop, peer.loop)
                .ChannelFactory(() => new TcpServerSocketChannel())
                .ChildOption(ChannelOption.TcpNodelay, true)
                .ChildHandler(new ActionChannelInitializer<IChannel>(channel =>
                {
                    if (Interlocked.CompareExchange(ref peer.child, channel, null) is not null)
                    {
                        channel.CloseAsync(); // one component only
                        return;
                    }
                    channel.Pipeline.AddLast("framer", new StanzaFramer());
                    channel.Pipeline.AddLast("codec", new XmlStanzaCodec());
                    channel.Pipeline.AddLast("session", new WarmUpSession(domain, secret, stanzas, peer.completion));
                }));
            peer.listener = await bootstrap.BindAsync(new IPEndPoint(IPAddress.Loopback, 0)).ConfigureAwait(false);
            peer.Port = ((IPEndPoint)peer.listener.LocalAddress).Port;
            return peer;
        }
        catch
        {
            await peer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Closes the sockets and ends the loop's thread; waits at most about a second, as nothing depends on it.</summary>
    public async ValueTask DisposeAsync()
    {
        completion.TrySetCanceled();
        _ = completion.Task.Exception; // observed: a failure was already reported by whoever awaited it, or does not matter
        Task closed = Task.WhenAll(listener?.CloseAsync() ?? Task.CompletedTask, Volatile.Read(ref child)?.CloseAsync() ?? Task.CompletedTask);
        await Task.WhenAny(closed, Task.Delay(TimeSpan.FromSeconds(1))).ConfigureAwait(false);
        _ = loop.ShutdownGracefullyAsync(TimeSpan.Zero, TimeSpan.FromSeconds(1));
    }
}
