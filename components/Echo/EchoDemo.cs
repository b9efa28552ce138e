using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using System.Xml.Linq;
using ComponentSdk;
using ComponentSdk.Testing;
using ComponentSdk.Xml;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Echo;

/// <summary>
/// Runs the echo component end to end and prints what flows. By default everything is on this machine: an embedded
/// router (ComponentSdk.Testing, real TCP on loopback) plays the server and a user. With <c>--host/--port</c> it
/// connects to a real server instead, and a second component (<c>--driver-domain</c>) plays the user.
/// </summary>
internal static class EchoDemo
{
    public static async Task<int> RunAsync(string[] args)
    {
        int count = int.Parse(Option(args, "--messages") ?? "10", CultureInfo.InvariantCulture);
        string? host = Option(args, "--host");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return host is null
            ? await EmbeddedAsync(count, cancel.Token)
            : await AgainstServerAsync(args, host, count, cancel.Token);
    }

    private static async Task<int> EmbeddedAsync(int count, CancellationToken cancellationToken)
    {
        await using LoopbackRouter router = await LoopbackRouter.StartAsync();
        router.AddComponent("echo.localhost", "secret");
        Console.WriteLine($"embedded router listening on {router.Host}:{router.Port} (XEP-0114)");

        await using var echo = new EchoComponent(router.OptionsFor("echo.localhost"), NullLogger<EchoComponent>.Instance);
        await echo.ConnectAsync(cancellationToken);
        Console.WriteLine($"echo.localhost connected and ready (stream {echo.StreamId})");

        var roundTrips = new List<double>();
        int echoed = 0;
        for (int i = 1; i <= count; i++)
        {
            var message = new XElement("message", new XAttribute("from", "alice@localhost/demo"), new XAttribute("to", "bot@echo.localhost"),
                new XAttribute("type", "chat"), new XAttribute("id", $"m{i}"), new XElement("body", $"hello {i}"));
            long start = Stopwatch.GetTimestamp();
            await router.SendAsync(message);
            Console.WriteLine($"  -> {message.From()} to {message.To()}: {message.Element("body")!.Value}");
            XElement reply = await router.ReceiveAsync(TimeSpan.FromSeconds(5));
            roundTrips.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            Console.WriteLine($"  <- {reply.From()} to {reply.To()}: {reply.Element("body")?.Value}");
            if (reply.Id() == $"m{i}" && reply.To() == "alice@localhost/demo" && (string?)reply.Element("body") == $"hello {i}") echoed++;
        }

        await router.SendAsync(Iq("ping1", new XElement(XName.Get("ping", "urn:xmpp:ping"))));
        bool pinged = (await router.ReceiveAsync(TimeSpan.FromSeconds(5))).Type() == "result";
        await router.SendAsync(Iq("v1", new XElement(XName.Get("query", "jabber:iq:version"))));
        XElement version = await router.ReceiveAsync(TimeSpan.FromSeconds(5));
        string software = string.Join(" ", version.Descendants().Where(e => e.Name.LocalName is "name" or "version").Select(e => e.Value));
        Console.WriteLine($"  ping: {(pinged ? "answered" : "NOT answered")}, version: {software}");

        await echo.ShutdownAsync(cancellationToken);
        return Summary(count, echoed, roundTrips, pinged);
    }

    private static async Task<int> AgainstServerAsync(string[] args, string host, int count, CancellationToken cancellationToken)
    {
        int port = int.Parse(Option(args, "--port") ?? "15347", CultureInfo.InvariantCulture);
        string domain = Option(args, "--domain") ?? "echo.localhost";
        string driverDomain = Option(args, "--driver-domain") ?? "echo2.localhost";
        var echoOptions = new ConnectionOptions { Host = host, Port = port, Hostname = domain, Password = Option(args, "--secret") ?? "secret" };
        var driverOptions = new ConnectionOptions { Host = host, Port = port, Hostname = driverDomain, Password = Option(args, "--driver-secret") ?? "secret2" };

        await using var echo = new EchoComponent(echoOptions, NullLogger<EchoComponent>.Instance);
        await using var driver = new DriverComponent(driverOptions);
        await echo.ConnectAsync(cancellationToken);
        await driver.ConnectAsync(cancellationToken);
        Console.WriteLine($"{domain} and {driverDomain} connected to {host}:{port}");

        var roundTrips = new List<double>();
        int echoed = 0;
        for (int i = 1; i <= count; i++)
        {
            var message = new XElement("message", new XAttribute("from", $"user@{driverDomain}"), new XAttribute("to", $"bot@{domain}"),
                new XAttribute("type", "chat"), new XAttribute("id", $"m{i}"), new XElement("body", $"hello {i}"));
            long start = Stopwatch.GetTimestamp();
            await driver.SendAsync(message, cancellationToken);
            Console.WriteLine($"  -> {message.From()} to {message.To()}: hello {i}");
            XElement reply = await driver.Received.ReadAsync(cancellationToken);
            roundTrips.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            Console.WriteLine($"  <- {reply.From()} to {reply.To()}: {reply.Element("body")?.Value}");
            if (reply.Id() == $"m{i}" && (string?)reply.Element("body") == $"hello {i}") echoed++;
        }

        XElement pong = await driver.RequestAsync(new XElement("iq", new XAttribute("type", "get"), new XAttribute("from", $"user@{driverDomain}"),
            new XAttribute("to", domain), new XElement(XName.Get("ping", "urn:xmpp:ping"))), cancellationToken: cancellationToken);
        bool pinged = pong.Type() == "result";
        Console.WriteLine($"  ping through the server: {(pinged ? "answered" : "NOT answered")}");
        await driver.ShutdownAsync(cancellationToken);
        await echo.ShutdownAsync(cancellationToken);
        return Summary(count, echoed, roundTrips, pinged);
    }

    private static int Summary(int count, int echoed, List<double> roundTrips, bool pinged)
    {
        roundTrips.Sort();
        double median = roundTrips.Count == 0 ? 0 : roundTrips[roundTrips.Count / 2];
        bool ok = echoed == count && pinged;
        Console.WriteLine($"Echo demo: {echoed}/{count} messages echoed in order, ping {(pinged ? "answered" : "unanswered")}, median round trip {median.ToString("0.00", CultureInfo.InvariantCulture)} ms: {(ok ? "OK" : "FAILED")}");
        return ok ? 0 : 1;
    }

    private static XElement Iq(string id, XElement payload) =>
        new("iq", new XAttribute("type", "get"), new XAttribute("id", id), new XAttribute("from", "alice@localhost/demo"), new XAttribute("to", "echo.localhost"), payload);

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>Plays the user when a real server is used: sends through the server and collects the echoes.</summary>
    private sealed class DriverComponent(ConnectionOptions options) : Component(options, NullLogger.Instance)
    {
        private readonly Channel<XElement> received = Channel.CreateUnbounded<XElement>();

        public ChannelReader<XElement> Received => received.Reader;

        protected override ValueTask OnMessageAsync(XElement message, CancellationToken cancellationToken)
        {
            received.Writer.TryWrite(message);
            return ValueTask.CompletedTask;
        }
    }
}
