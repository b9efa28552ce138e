using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Xml.Linq;
using ComponentSdk.Tests.Support;
using Microsoft.Extensions.Logging;

namespace ComponentSdk.Tests.Components;

/// <summary>
/// Our closing tag ends the XML document: a peer reads any element after it as junk (jabberd2's router logs "junk after
/// document element" and drops the connection). Yet the server goes on routing to us until it reads that tag, and
/// handlers answer what arrives. Played against a raw socket that records every byte: nothing follows our closing tag,
/// and what was sent from the start of the shutdown goes out on a handover connection.
/// </summary>
[CancelAfter(60_000)]
[TestFixture(TransportMode.Shared)]
[TestFixture(TransportMode.Dedicated)]
public class ShutdownOrderTests(TransportMode transport)
{
    private const string Footer = "</stream:stream>";

    [Test]
    public async Task NothingIsWrittenAfterOurClosingTagAndWhatIsSentDuringTheShutdownIsHandedOver(CancellationToken cancellationToken)
    {
        for (int round = 0; round < 20; round++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            await using var component = new Component(Options(listener));
            Task connecting = component.ConnectAsync(cancellationToken);
            using Socket peer = await AcceptAsync(listener, cancellationToken);
            await connecting;

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

            string first = await CloseLikeAServerAsync(peer, cancellationToken);
            int onFirst = CountOccurrences(first, "<message");
            Assert.That(onFirst, Is.GreaterThanOrEqualTo(before), $"round {round}: what SendAsync had accepted before the shutdown goes out before the closing tag");

            // Handover connections, until the shutdown is over: each gets what was sent meanwhile, then our closing tag.
            int handedOver = 0;
            while (true)
            {
                Task<Socket> next = listener.AcceptSocketAsync(cancellationToken).AsTask();
                if (await Task.WhenAny(next, shutdown) != next) break;
                using Socket handover = await next;
                await HandshakeAsync(handover, new StringBuilder(), cancellationToken);
                handedOver += CountOccurrences(await CloseLikeAServerAsync(handover, cancellationToken), "<message");
            }
            await shutdown;
            await sending;
            // What the sender accepted after the shutdown had ended waits in the queue for the next connection.
            Assert.That(onFirst + handedOver + component.QueuedStanzas.Count, Is.EqualTo(accepted), $"round {round}: every accepted stanza went out once, or waits in the queue");
        }
    }

    [TestCase(false, TestName = "{m}(ShutdownAsync)")]
    [TestCase(true, TestName = "{m}(DisposeAsync)")]
    public async Task AMessageArrivingAfterOurClosingTagIsHandledAndItsAnswerHandedOver(bool dispose)
    {
        CancellationToken cancellationToken = TestContext.CurrentContext.CancellationToken;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var component = new Component(Options(listener));
        component.HandleIq("get", XName.Get("query", "urn:test:late"), (iq, _) => ValueTask.FromResult<XElement?>(
            new XElement("iq", new XAttribute("type", "result"), new XAttribute("to", iq.Attribute("from")!.Value), new XAttribute("id", iq.Attribute("id")!.Value))));
        Task connecting = component.ConnectAsync(cancellationToken);
        using Socket peer = await AcceptAsync(listener, cancellationToken);
        await connecting;

        Task shutdown = dispose ? component.DisposeAsync().AsTask() : component.ShutdownAsync(cancellationToken);
        var first = new StringBuilder();
        await ReadUntilAsync(peer, first, Footer, cancellationToken);
        // Routed to us before the server read our closing tag: it arrives after it.
        await peer.SendAsync("<iq type='get' id='late1' from='bob@localhost/r' to='echo.localhost'><query xmlns='urn:test:late'/></iq>"u8.ToArray(), cancellationToken);
        await peer.SendAsync(Encoding.UTF8.GetBytes(Footer), cancellationToken);
        await ReadUntilClosedAsync(peer, first, cancellationToken);
        Assert.That(first.ToString()[(first.ToString().IndexOf(Footer, StringComparison.Ordinal) + Footer.Length)..].Trim(), Is.Empty, "nothing after our closing tag");

        using Socket handover = await listener.AcceptSocketAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
        await HandshakeAsync(handover, new StringBuilder(), cancellationToken);
        string handed = await CloseLikeAServerAsync(handover, cancellationToken);
        await shutdown;

        Assert.That(handed, Does.Contain("id='late1'").Or.Contain("id=\"late1\""), "the answer went out on the handover connection, before its closing tag");
        Assert.That(component.QueuedStanzas, Is.Empty);
        if (dispose) Assert.That(() => component.SendAsync(new XElement("message")).AsTask(), Throws.TypeOf<ObjectDisposedException>(), "refused once disposal is over");
    }

    [Test]
    public async Task AHandoverThatCannotConnectLeavesTheStanzasQueuedAndSaysSo(CancellationToken cancellationToken)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var logger = new RecordingLogger();
        ConnectionOptions options = Options(listener);
        options.ShutdownTimeout = TimeSpan.FromSeconds(1);
        await using var component = new Component(options, logger);
        Task connecting = component.ConnectAsync(cancellationToken);
        using Socket peer = await AcceptAsync(listener, cancellationToken);
        await connecting;

        Task shutdown = component.ShutdownAsync(cancellationToken);
        var first = new StringBuilder();
        await ReadUntilAsync(peer, first, Footer, cancellationToken);
        await component.SendAsync(new XElement("message", new XAttribute("to", "a@localhost")), cancellationToken);
        listener.Stop(); // the handover finds nobody listening
        await peer.SendAsync(Encoding.UTF8.GetBytes(Footer), cancellationToken);
        await shutdown;

        Assert.That(component.QueuedStanzas, Has.Count.EqualTo(1), "kept for the next connection");
        Assert.That(logger.Lines.Where(l => l.Level == LogLevel.Warning).Select(l => l.Text), Has.Some.Contains("could not hand over"));
        Assert.That(logger.Lines.Where(l => l.Level == LogLevel.Warning).Select(l => l.Text), Has.Some.Contains("1 stanzas sent during the shutdown were not handed over"));
    }

    private ConnectionOptions Options(TcpListener listener) => new()
    {
        Host = "127.0.0.1", Port = ((IPEndPoint)listener.LocalEndpoint).Port, Hostname = "echo.localhost", Password = "secret",
        Transport = transport, ShutdownTimeout = TimeSpan.FromSeconds(5),
        Liveness = { PingInterval = TimeSpan.Zero, KeepAliveInterval = TimeSpan.Zero },
    };

    private static async Task<Socket> AcceptAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        Socket peer = await listener.AcceptSocketAsync(cancellationToken);
        await HandshakeAsync(peer, new StringBuilder(), cancellationToken);
        return peer;
    }

    private static async Task HandshakeAsync(Socket peer, StringBuilder received, CancellationToken cancellationToken)
    {
        await ReadUntilAsync(peer, received, "streams'>", cancellationToken);
        await peer.SendAsync("<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' id='s1' from='echo.localhost'>"u8.ToArray(), cancellationToken);
        await ReadUntilAsync(peer, received, "</handshake>", cancellationToken);
        await peer.SendAsync("<handshake/>"u8.ToArray(), cancellationToken);
    }

    /// <summary>Reads up to our closing tag, answers with its own and reads to the end; returns what came, checked for bytes after the tag.</summary>
    private static async Task<string> CloseLikeAServerAsync(Socket peer, CancellationToken cancellationToken)
    {
        var received = new StringBuilder();
        await ReadUntilAsync(peer, received, Footer, cancellationToken);
        await peer.SendAsync(Encoding.UTF8.GetBytes(Footer), cancellationToken);
        await ReadUntilClosedAsync(peer, received, cancellationToken);
        string all = received.ToString();
        int footer = all.IndexOf(Footer, StringComparison.Ordinal);
        Assert.That(all[(footer + Footer.Length)..].Trim(), Is.Empty, "bytes after our closing tag");
        return all[..footer];
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
