using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Xml.Linq;

namespace ComponentSdk.Tests.Components;

/// <summary>
/// Our closing tag ends the XML document: a peer reads any element after it as junk (jabberd2's router logs "junk after
/// document element" and drops the connection). Played against a raw socket that records every byte, while another
/// thread keeps sending through the shutdown.
/// </summary>
[CancelAfter(60_000)]
[TestFixture(TransportMode.Shared)]
[TestFixture(TransportMode.Dedicated)]
public class ShutdownOrderTests(TransportMode transport)
{
    private const string Footer = "</stream:stream>";

    [Test]
    public async Task NothingIsWrittenAfterOurClosingTagAndWhatWasSentBeforeTheShutdownPrecedesIt(CancellationToken cancellationToken)
    {
        for (int round = 0; round < 20; round++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var options = new ConnectionOptions
            {
                Host = "127.0.0.1", Port = ((IPEndPoint)listener.LocalEndpoint).Port, Hostname = "echo.localhost", Password = "secret",
                Transport = transport, ShutdownTimeout = TimeSpan.FromSeconds(5),
                Liveness = { PingInterval = TimeSpan.Zero, KeepAliveInterval = TimeSpan.Zero },
            };
            await using var component = new Component(options);
            Task connecting = component.ConnectAsync(cancellationToken);
            using Socket peer = await listener.AcceptSocketAsync(cancellationToken);
            var received = new StringBuilder();
            await ReadUntilAsync(peer, received, "streams'>", cancellationToken);
            await peer.SendAsync("<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' id='s1' from='echo.localhost'>"u8.ToArray(), cancellationToken);
            await ReadUntilAsync(peer, received, "</handshake>", cancellationToken);
            await peer.SendAsync("<handshake/>"u8.ToArray(), cancellationToken);
            await connecting;
            received.Clear();

            int accepted = 0;
            int before = -1;
            var sending = Task.Run(async () =>
            {
                while (Volatile.Read(ref before) < 0 || accepted < before + 200)
                {
                    await component.SendAsync(new XElement("message", new XAttribute("to", "a@localhost"), new XElement("body", accepted)), cancellationToken);
                    Interlocked.Increment(ref accepted);
                }
            }, cancellationToken);
            await Task.Delay(round % 5, cancellationToken);
            Volatile.Write(ref before, Volatile.Read(ref accepted));
            Task shutdown = component.ShutdownAsync(cancellationToken);

            await ReadUntilAsync(peer, received, Footer, cancellationToken);
            await peer.SendAsync(Encoding.UTF8.GetBytes(Footer), cancellationToken);
            await ReadUntilClosedAsync(peer, received, cancellationToken);
            await shutdown;
            await sending;

            string all = received.ToString();
            int footer = all.IndexOf(Footer, StringComparison.Ordinal);
            Assert.That(all[(footer + Footer.Length)..].Trim(), Is.Empty, $"round {round}: bytes after our closing tag");
            int messages = CountOccurrences(all[..footer], "<message");
            Assert.That(messages, Is.GreaterThanOrEqualTo(before), $"round {round}: what SendAsync had accepted before the shutdown goes out before the closing tag");
            Assert.That(messages + component.QueuedStanzas.Count, Is.EqualTo(accepted), "what did not go out waits in the queue for the next connection");
        }
    }

    private static int CountOccurrences(string text, string what)
    {
        int count = 0;
        for (int at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    private static async Task ReadUntilAsync(Socket peer, StringBuilder received, string marker, CancellationToken cancellationToken)
    {
        var buffer = new byte[65536];
        while (!received.ToString().Contains(marker, StringComparison.Ordinal))
        {
            int read = await peer.ReceiveAsync(buffer, cancellationToken);
            if (read == 0) Assert.Fail($"The connection closed before {marker}: {received}");
            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
    }

    private static async Task ReadUntilClosedAsync(Socket peer, StringBuilder received, CancellationToken cancellationToken)
    {
        var buffer = new byte[65536];
        int read;
        while ((read = await peer.ReceiveAsync(buffer, cancellationToken)) > 0) received.Append(Encoding.UTF8.GetString(buffer, 0, read));
    }
}
