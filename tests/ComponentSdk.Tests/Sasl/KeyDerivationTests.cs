using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Xml.Linq;
using ComponentSdk.Tests.Components;
using ComponentSdk.Tests.Support;
using ComponentSdk.Transport;
using ComponentSdk.Xml;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Tests.Sasl;

/// <summary>
/// A server may ask SCRAM for up to 10,000,000 iterations of its key derivation: seconds of work, which must not stall
/// the other connections of the event loop it shares.
/// </summary>
[NonParallelizable]
[CancelAfter(60_000)]
public class KeyDerivationTests : RouterFixture
{
    [Test]
    public async Task ALoginWithAHugeIterationCountDoesNotDelayAnotherConnectionOnTheSameLoop(CancellationToken cancellationToken)
    {
        IEventLoopGroup oneLoop = EventLoops.Create(1);
        await using var echo = new TestComponent(Router.OptionsFor("echo.localhost"), oneLoop) { EchoMessages = true };
        await echo.ConnectAsync(cancellationToken);

        using var server = new SlowScramServer(iterations: 3_000_000);
        var clientOptions = new ConnectionOptions
        {
            ConnectionType = ConnectionType.Client, Host = "127.0.0.1", Port = server.Port, Hostname = "localhost",
            Password = "alicepw", Login = { Username = "alice", SaslMechanisms = ["SCRAM-SHA-512"] }, Tls = { Mode = TlsPolicy.Disabled },
        };
        await using var slow = new TestComponent(clientOptions, oneLoop);
        _ = slow.ConnectAsync(cancellationToken);
        await server.ChallengeSent.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        await Task.Delay(200, cancellationToken);

        // The derivation now runs for seconds; the component on the same loop keeps answering at once.
        for (int i = 0; i < 5; i++)
        {
            await Router.SendAsync(new XElement("message", new XAttribute("from", "a@localhost/r"), new XAttribute("to", "bot@echo.localhost"), new XElement("body", i)));
            XElement reply = await Router.ReceiveAsync(TimeSpan.FromSeconds(1));
            Assert.That((string?)reply.Element("body"), Is.EqualTo(i.ToString()));
        }
        Assert.That(server.ResponseReceived.IsCompleted, Is.False, "the derivation was still running meanwhile");
        await server.ResponseReceived.WaitAsync(TimeSpan.FromSeconds(45), cancellationToken);
        Assert.That(server.Response, Does.StartWith("<response").And.Contain("urn:ietf:params:xml:ns:xmpp-sasl"), "the response went out once ready");
    }

    /// <summary>Just enough of an XMPP server to offer SCRAM-SHA-512 and answer the first message with a costly challenge.</summary>
    private sealed class SlowScramServer : IDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly TaskCompletionSource challenge = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource response = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Socket? socket;

        public SlowScramServer(int iterations)
        {
            listener.Start();
            _ = Task.Run(() => Serve(iterations));
        }

        public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

        public Task ChallengeSent => challenge.Task;

        public Task ResponseReceived => response.Task;

        public string Response { get; private set; } = "";

        private async Task Serve(int iterations)
        {
            socket = await listener.AcceptSocketAsync();
            var inbound = new StringBuilder();
            await ReadUntil(inbound, "<stream:stream");
            await Send("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0' from='localhost' id='s1'>" +
                       "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-512</mechanism></mechanisms></stream:features>");
            string text = await ReadUntil(inbound, "</auth>");
            string auth = text[text.IndexOf("<auth", StringComparison.Ordinal)..];
            string first = Encoding.UTF8.GetString(Convert.FromBase64String(auth[(auth.IndexOf('>') + 1)..auth.IndexOf("</auth>", StringComparison.Ordinal)]));
            string nonce = first[(first.IndexOf("r=", StringComparison.Ordinal) + 2)..];
            string serverFirst = $"r={nonce}server,s={Convert.ToBase64String("salt"u8)},i={iterations}";
            inbound.Clear();
            await Send($"<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>{Convert.ToBase64String(Encoding.UTF8.GetBytes(serverFirst))}</challenge>");
            challenge.TrySetResult();
            Response = await ReadUntil(inbound, "</response>");
            Response = Response[Response.IndexOf("<response", StringComparison.Ordinal)..];
            response.TrySetResult();
        }

        private async Task<string> ReadUntil(StringBuilder inbound, string marker)
        {
            var buffer = new byte[4096];
            while (!inbound.ToString().Contains(marker, StringComparison.Ordinal))
            {
                int n = await socket!.ReceiveAsync(buffer);
                if (n == 0) throw new IOException("closed");
                inbound.Append(Encoding.UTF8.GetString(buffer, 0, n));
            }
            return inbound.ToString();
        }

        private Task Send(string text) => socket!.SendAsync(Encoding.UTF8.GetBytes(text));

        public void Dispose()
        {
            socket?.Dispose();
            listener.Stop();
        }
    }
}
