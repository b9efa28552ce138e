using System.Net;
using System.Net.Sockets;
using DotNetty.Transport.Bootstrapping;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Tests.Support;

/// <summary>A DotNetty client channel connected to a plain socket on 127.0.0.1 that plays the peer.</summary>
internal sealed record LoopbackSocketPair(IChannel Client, Socket Peer) : IAsyncDisposable
{
    /// <summary>Connects <paramref name="client"/> (group, channel and handler already set) to a fresh listener.</summary>
    public static async Task<LoopbackSocketPair> ConnectAsync(Bootstrap client)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        Task<Socket> accepted = listener.AcceptAsync();
        IChannel channel = await client.ConnectAsync(listener.LocalEndPoint!);
        return new LoopbackSocketPair(channel, await accepted);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.CloseAsync();
        Peer.Dispose();
    }
}
