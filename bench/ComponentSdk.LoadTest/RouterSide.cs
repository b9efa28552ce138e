using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace ComponentSdk.LoadTest;

/// <summary>The server side of a XEP-0114 connection: listens, accepts one component and checks its handshake.</summary>
internal static class RouterSide
{
    public static TcpListener Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start(1);
        return listener;
    }

    /// <summary>Accepts the component, answers its stream header and verifies SHA-1(stream id + secret).</summary>
    /// <remarks>
    /// Synchronous on purpose: once a .NET socket has seen an async operation, its synchronous calls go through the
    /// runtime's event thread too, which would add thread hops to every round trip measured afterwards.
    /// </remarks>
    public static Socket Accept(TcpListener listener, string domain, string secret, TimeSpan timeout)
    {
        if (!listener.Server.Poll((int)timeout.TotalMicroseconds, SelectMode.SelectRead))
            throw new TimeoutException($"No component connected within {timeout.TotalSeconds:0} s.");
        Socket socket = listener.AcceptSocket();
        socket.NoDelay = true;
        socket.ReceiveTimeout = (int)timeout.TotalMilliseconds;
        var inbound = new StringBuilder();
        ReadUntil(socket, inbound, "<stream:stream", ">");
        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        Send(socket, $"<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:component:accept' from='{domain}' id='{id}'>");

        inbound.Clear();
        string handshake = ReadUntil(socket, inbound, "<handshake>", "</handshake>");
        string expected = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(id + secret)));
        if (!handshake.Contains(expected, StringComparison.OrdinalIgnoreCase))
        {
            Send(socket, "<stream:error><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>");
            socket.Dispose();
            throw new InvalidOperationException("The component's handshake does not match the secret.");
        }
        Send(socket, "<handshake/>");
        return socket;
    }

    private static string ReadUntil(Socket socket, StringBuilder inbound, string start, string end)
    {
        var buffer = new byte[4096];
        while (true)
        {
            string text = inbound.ToString();
            int from = text.IndexOf(start, StringComparison.Ordinal);
            int to = from < 0 ? -1 : text.IndexOf(end, from + start.Length, StringComparison.Ordinal);
            if (to >= 0) return text[from..(to + end.Length)];
            int n = socket.Receive(buffer);
            if (n == 0) throw new InvalidOperationException("The component closed the connection during the handshake.");
            inbound.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
    }

    private static void Send(Socket socket, string text) => socket.Send(Encoding.UTF8.GetBytes(text));
}
