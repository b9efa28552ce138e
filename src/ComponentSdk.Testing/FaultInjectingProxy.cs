using System.Net;
using System.Net.Sockets;

namespace ComponentSdk.Testing;

/// <summary>
/// A TCP proxy on 127.0.0.1 between a component and its server that can misbehave on demand: drop or reset every
/// connection, stall (hold all traffic while keeping the sockets open, like a dead peer or a broken NAT), cut the
/// server's next read in the middle, or delay traffic. For testing reconnection and liveness against a real server.
/// </summary>
public sealed class FaultInjectingProxy : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly string targetHost;
    private readonly int targetPort;
    private readonly List<Pair> pairs = [];
    private readonly CancellationTokenSource stopping = new();
    private TaskCompletionSource resumed = NewResumed();
    private volatile bool stalled;
    private int cutAfter = -1;
    private int clientBudget = -1;

    private FaultInjectingProxy(string targetHost, int targetPort)
    {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _ = AcceptLoopAsync();
    }

    /// <summary>The port to connect to instead of the server's.</summary>
    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Latency added to every chunk forwarded, in both directions.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>How many proxied connections are open.</summary>
    public int OpenConnections
    {
        get { lock (pairs) return pairs.Count(p => !p.Closed); }
    }

    /// <summary>Starts a proxy to <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static FaultInjectingProxy Start(string host, int port) => new(host, port);

    /// <summary>Closes every connection on both sides, as when a server process dies.</summary>
    public void DropAll() => ForEach(p => p.Close(reset: false));

    /// <summary>Resets every connection (TCP RST) on both sides.</summary>
    public void ResetAll() => ForEach(p => p.Close(reset: true));

    /// <summary>Holds all traffic from now on while keeping the connections open: the peer goes silent.</summary>
    public void Stall()
    {
        stalled = true;
    }

    /// <summary>Lets held and new traffic through again.</summary>
    public void Resume()
    {
        stalled = false;
        Interlocked.Exchange(ref resumed, NewResumed()).TrySetResult();
    }

    /// <summary>Forwards only the first <paramref name="bytes"/> of the server's next read, then drops the connection: a stanza cut in the middle.</summary>
    public void CutNextServerRead(int bytes) => Volatile.Write(ref cutAfter, bytes);

    /// <summary>
    /// Forwards only <paramref name="bytes"/> more bytes from the client, then resets the connection: the server is
    /// left with what the client sent up to there, a stanza cut in the middle as a lost connection leaves it.
    /// </summary>
    public void CutClientAfter(int bytes) => Volatile.Write(ref clientBudget, bytes);

    /// <summary>Stops listening and drops every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        listener.Stop();
        DropAll();
        stopping.Dispose();
    }

    private static TaskCompletionSource NewResumed() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void ForEach(Action<Pair> action)
    {
        Pair[] current;
        lock (pairs) current = [.. pairs];
        foreach (Pair pair in current) action(pair);
    }

    private async Task AcceptLoopAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await server.ConnectAsync(targetHost, targetPort, stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                client.Close();
                server.Dispose();
                continue;
            }
            client.NoDelay = true;
            var pair = new Pair(client, server);
            lock (pairs) pairs.Add(pair);
            _ = PumpAsync(pair, client, server, fromServer: false);
            _ = PumpAsync(pair, server, client, fromServer: true);
        }
    }

    private async Task PumpAsync(Pair pair, Socket from, Socket to, bool fromServer)
    {
        byte[] buffer = new byte[16384];
        try
        {
            while (!pair.Closed)
            {
                int read = await from.ReceiveAsync(buffer, SocketFlags.None, stopping.Token).ConfigureAwait(false);
                if (read == 0) break;
                while (true)
                {
                    // Take the signal before looking at the flag, so a Resume in between is never missed.
                    Task resume = Volatile.Read(ref resumed).Task;
                    if (!stalled) break;
                    await resume.WaitAsync(stopping.Token).ConfigureAwait(false);
                }
                if (Delay > TimeSpan.Zero) await Task.Delay(Delay, stopping.Token).ConfigureAwait(false);
                int cut = fromServer ? Interlocked.Exchange(ref cutAfter, -1) : -1;
                if (cut >= 0)
                {
                    await to.SendAsync(buffer.AsMemory(0, Math.Min(cut, read)), SocketFlags.None, stopping.Token).ConfigureAwait(false);
                    break;
                }
                int budget = fromServer ? -1 : Volatile.Read(ref clientBudget);
                if (budget >= 0)
                {
                    int forward = Math.Min(budget, read);
                    Volatile.Write(ref clientBudget, budget - forward);
                    await to.SendAsync(buffer.AsMemory(0, forward), SocketFlags.None, stopping.Token).ConfigureAwait(false);
                    if (budget - forward > 0) continue;
                    Volatile.Write(ref clientBudget, -1);
                    pair.Close(reset: true);
                    return;
                }
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, stopping.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        pair.Close(reset: false);
    }

    private sealed class Pair(Socket client, Socket server)
    {
        private int closed;

        public bool Closed => Volatile.Read(ref closed) != 0;

        public void Close(bool reset)
        {
            if (Interlocked.Exchange(ref closed, 1) != 0) return;
            foreach (Socket socket in new[] { client, server })
            {
                try
                {
                    if (reset) socket.LingerState = new LingerOption(true, 0);
                    else socket.Shutdown(SocketShutdown.Both);
                }
                catch (SocketException)
                {
                }
                socket.Close();
            }
        }
    }
}
