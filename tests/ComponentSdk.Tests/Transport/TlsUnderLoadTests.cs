using System.Collections.Concurrent;
using System.Text;
using System.Xml.Linq;
using ComponentSdk.Tests.Support;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Transport;

/// <summary>
/// TLS under load on each transport: 100,000 stanzas of random sizes from 1 byte to 64 KiB go to a TLS server and come
/// back, with handlers on the event loop and off it. Every one arrives, in order, exactly as it was sent.
/// </summary>
[NonParallelizable]
[CancelAfter(600_000)]
public class TlsUnderLoadTests
{
    private const int Stanzas = 100_000;
    private const int InFlight = 256;

    [TestCase(TransportMode.Shared, false)]
    [TestCase(TransportMode.Shared, true)]
    [TestCase(TransportMode.Dedicated, false)]
    [TestCase(TransportMode.Dedicated, true)]
    public async Task AHundredThousandStanzasOfRandomSizesGoThroughTlsBothWaysByteExact(TransportMode transport, bool onEventLoop, CancellationToken cancellationToken)
    {
        await using TlsEchoServer server = await TlsEchoServer.StartAsync("secret");
        var options = new ConnectionOptions
        {
            Host = "127.0.0.1", Port = server.Port, Hostname = "echo.localhost", Password = server.Secret, Transport = transport,
            RunHandlersOnEventLoop = onEventLoop, Tls = { Mode = TlsPolicy.Direct, ServerName = "localhost", TrustedCertificatePath = server.CertificatePath },
            Liveness = { PingInterval = TimeSpan.Zero, KeepAliveInterval = TimeSpan.Zero },
        };
        await using var component = new Collector(options);
        await component.ConnectAsync(cancellationToken);

        var random = new Random(transport.GetHashCode() * 2 + (onEventLoop ? 1 : 0));
        var sent = new string[Stanzas];
        long bytes = 0;
        for (int i = 0; i < Stanzas; i++)
        {
            while (i - component.Received.Count >= InFlight) await component.Progress.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            sent[i] = Body(random);
            bytes += sent[i].Length;
            await component.SendAsync(new XElement("message", new XAttribute("to", "sink@echo.localhost"), new XAttribute("id", i), new XElement("body", sent[i])), cancellationToken);
        }
        await TestComponent.Until(() => component.Received.Count == Stanzas, TimeSpan.FromSeconds(120), "every echo", () => $"{component.Received.Count} of {Stanzas}");
        TestContext.Out.WriteLine($"{transport}, handlers {(onEventLoop ? "on" : "off")} the event loop: {Stanzas} stanzas, {bytes / 1048576.0:N0} M characters each way");

        int index = 0;
        foreach (XElement echo in component.Received)
        {
            Assert.That(echo.Id(), Is.EqualTo(index.ToString()), "in order");
            if (echo.Element("body")!.Value != sent[index]) Assert.Fail($"stanza {index} ({sent[index].Length} characters) came back altered");
            index++;
        }
    }

    /// <summary>Text that needs escaping, with two-, three- and four-byte characters, to cut bodies from.</summary>
    private static readonly string Source = MakeSource();

    /// <summary>A body of 1 to 65,536 characters, sizes spread evenly over their orders of magnitude, cut from <see cref="Source"/>.</summary>
    private static string Body(Random random)
    {
        int length = (int)Math.Pow(2, random.NextDouble() * 16);
        int start = random.Next(Source.Length - length - 1);
        if (char.IsLowSurrogate(Source[start])) start++;
        if (char.IsHighSurrogate(Source[start + length - 1])) length++;
        return Source.Substring(start, length);
    }

    private static string MakeSource()
    {
        var random = new Random(7);
        var text = new StringBuilder(200_000);
        while (text.Length < 190_000)
        {
            text.Append(random.Next(12) switch
            {
                0 => "&",
                1 => "<",
                2 => "é",
                3 => "中",
                4 => "\U0001F600",
                _ => ((char)random.Next('a', 'z' + 1)).ToString(),
            });
        }
        return text.ToString();
    }

    private sealed class Collector(ConnectionOptions options) : Component(options)
    {
        public ConcurrentQueue<XElement> Received { get; } = new();

        public SemaphoreSlim Progress { get; } = new(0);

        protected override ValueTask OnMessageAsync(XElement message, CancellationToken cancellationToken)
        {
            Received.Enqueue(message);
            Progress.Release();
            return ValueTask.CompletedTask;
        }
    }
}
