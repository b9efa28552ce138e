using System.Diagnostics;
using System.Globalization;
using System.Xml.Linq;
using ComponentSdk;
using ComponentSdk.Testing;
using ComponentSdk.Xml;

// Many connections in one process: how many threads and how much memory they cost. The router side runs in a process
// of its own (this program with --router), so that the component process counts only its own sockets and threads.
//
//   ComponentSdk.Scale [--connections 10000] [--transport Shared|Dedicated]
if (args.Contains("--router")) return await Router.RunAsync(int.Parse(Option("--connections") ?? "10000", CultureInfo.InvariantCulture));

int count = int.Parse(Option("--connections") ?? "10000", CultureInfo.InvariantCulture);
TransportMode transport = Enum.Parse<TransportMode>(Option("--transport") ?? "Shared");
using Process router = Router.Launch(count, out int port);

Measure("before connecting", out long rssBefore, out _, out _);
var components = new List<Idle>(count);
var started = Stopwatch.StartNew();
for (int batch = 0; batch < count; batch += 200)
{
    var connecting = new List<Task>();
    for (int i = batch; i < Math.Min(count, batch + 200); i++)
    {
        var component = new Idle(new ConnectionOptions
        {
            Host = "127.0.0.1", Port = port, Hostname = $"c{i}.localhost", Password = "secret", Transport = transport,
            Liveness = { PingInterval = TimeSpan.Zero, KeepAliveInterval = TimeSpan.Zero },
        });
        components.Add(component);
        connecting.Add(component.ConnectAsync());
    }
    await Task.WhenAll(connecting);
}
Console.WriteLine($"{count:N0} connections ready in {started.Elapsed.TotalSeconds:0.0} s ({transport})");

// Every connection carries a round trip through the router, then sits idle.
var pings = components.Select(c => c.RequestAsync(new XElement("iq", new XAttribute("type", "get"), new XAttribute("to", c.Options.Hostname),
    new XElement(XName.Get("ping", "urn:xmpp:ping"))), TimeSpan.FromSeconds(60))).ToList();
await Task.WhenAll(pings);
Console.WriteLine($"{pings.Count(p => p.Result.Type() == "result"):N0} pings answered");

GC.Collect();
GC.WaitForPendingFinalizers();
GC.Collect();
await Task.Delay(2000);
Measure("connected, idle", out long rssAfter, out int threads, out int working);
Console.WriteLine($"per connection: {(rssAfter - rssBefore) / 1024.0 / count:0.0} KiB RSS; threads: {threads}, of which {working} run our code "
    + $"(event loops and thread-pool workers; 2 x cores + 8 = {2 * Environment.ProcessorCount + 8}), the rest the runtime's own");

if (args.Contains("--hold")) { Console.WriteLine($"holding; pid {Environment.ProcessId}"); await Task.Delay(TimeSpan.FromSeconds(60)); }
foreach (Idle component in components) await component.DisposeAsync();
router.Kill();
return 0;

string? Option(string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

static void Measure(string when, out long rss, out int threads, out int working)
{
    rss = 0;
    foreach (string line in File.ReadLines("/proc/self/status"))
    {
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
    string[] names = [.. Directory.GetDirectories("/proc/self/task").Select(t => File.ReadAllText(Path.Combine(t, "comm")).Trim())];
    threads = names.Length;
    // DotNetty names its loop threads after SingleThreadEventLoop (truncated by the kernel to 15 characters).
    working = names.Count(n => n.StartsWith("SingleThreadEve", StringComparison.Ordinal) || n.StartsWith("ComponentSdk", StringComparison.Ordinal) || n == ".NET TP Worker");
    string kinds = string.Join(", ", names.GroupBy(n => n).OrderByDescending(g => g.Count()).Select(g => $"{g.Count()} {g.Key}"));
    Console.WriteLine($"{when}: {rss / 1048576.0:0.0} MiB RSS, GC heap {GC.GetTotalMemory(false) / 1048576.0:0.0} MiB, {threads} threads ({kinds})");
}

/// <summary>A component that does nothing but answer what every component answers.</summary>
internal sealed class Idle(ConnectionOptions options) : Component(options);

/// <summary>The router side: a loopback router in a process of its own.</summary>
internal static class Router
{
    public static Process Launch(int count, out int port)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true };
        start.ArgumentList.Add(typeof(Router).Assembly.Location);
        start.ArgumentList.Add("--router");
        start.ArgumentList.Add("--connections");
        start.ArgumentList.Add(count.ToString(CultureInfo.InvariantCulture));
        Process process = Process.Start(start)!;
        port = int.Parse(process.StandardOutput.ReadLine()!, CultureInfo.InvariantCulture);
        return process;
    }

    public static async Task<int> RunAsync(int count)
    {
        await using LoopbackRouter router = await LoopbackRouter.StartAsync();
        for (int i = 0; i < count; i++) router.AddComponent($"c{i}.localhost", "secret");
        Console.WriteLine(router.Port);
        await Task.Delay(Timeout.Infinite);
        return 0;
    }
}
