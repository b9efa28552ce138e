using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ComponentSdk.LoadTest;

// Plays the server side of XEP-0114 on loopback against one component (launched here, or already started with
// --pid) and measures echo throughput and round trips. See README "Performance" and `--help`.
// What a cold measurement lets pass before it measures, as a service would before its first busy minute.
const int ColdWarmup = 5_000;
var options = LoadOptions.Parse(args);
if (options is null)
{
    Console.WriteLine(LoadOptions.Usage);
    return 0;
}

using TcpListener listener = RouterSide.Listen(options.Port);
int port = ((IPEndPoint)listener.LocalEndpoint).Port;
Process? launched = null;
Process? component = null;
Socket? socket = null;
try
{
    if (options.Launch is { } path)
    {
        launched = Launch(path, port, options);
        component = launched;
    }
    else if (options.Pid is { } pid)
    {
        component = Process.GetProcessById(pid);
    }
    Console.WriteLine($"Waiting for {options.Domain} on 127.0.0.1:{port}...");
    var sinceStart = Stopwatch.StartNew();
    socket = RouterSide.Accept(listener, options.Domain, options.Secret, TimeSpan.FromSeconds(30));
    TimeSpan toConnected = sinceStart.Elapsed;
    var meter = component is null ? null : new ProcessMeter(component);
    var run = new LoadRun(socket, new StanzaScanner(), new MessageFactory(options.Domain, options.BodyBytes), options.Domain)
    {
        DropSelfIqs = options.DropSelfIqs,
    };

    LoadResult? cold = null;
    if (options.Cold)
    {
        if (launched is not null) Console.WriteLine($"Connected {toConnected.TotalMilliseconds:N0} ms after the start.");
        run.Execute(ColdWarmup, 1000, null, TimeSpan.FromSeconds(30));
        cold = run.Execute(options.Count, 1000, meter, TimeSpan.FromSeconds(60));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cold  W=1000  {cold.MessagesPerSecond,10:N0} msg/s  p50 {cold.P50Micros,7:N1} µs  p99 {cold.P99Micros,8:N1} µs  component {cold.ComponentCpuMicrosPerMessage,5:N2} CPU µs/msg (the first {options.Count:N0} after {ColdWarmup:N0})"));
    }

    Console.WriteLine($"Connected. Warming up with {options.Warmup:N0} messages at W=1000...");
    run.Execute(options.Warmup, 1000, null, TimeSpan.FromSeconds(30));

    var results = new List<LoadResult>();
    for (int r = 1; r <= options.Runs; r++)
    {
        foreach (int window in options.Windows)
        {
            int count = window == 1 ? options.LatencyCount : options.Count;
            LoadResult result = run.Execute(count, window, meter, TimeSpan.FromSeconds(30));
            results.Add(result);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {r} W={window,-5} {result.MessagesPerSecond,10:N0} msg/s  p50 {result.P50Micros,7:N1} µs  p99 {result.P99Micros,8:N1} µs  p99.9 {result.P999Micros,8:N1} µs  component {result.ComponentCpuMicrosPerMessage,5:N2} CPU µs/msg  tool CPU {result.ToolCpuShare,4:P0}"));
        }
    }

    Console.WriteLine();
    Console.WriteLine($"Median of {options.Runs} run(s), {options.BodyBytes}-byte bodies:");
    Console.WriteLine("| W | msg/s | p50 µs | p99 µs | p99.9 µs | component CPU µs/msg | peak RSS MiB | tool CPU |");
    Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    string rss = meter is null ? "n/a" : (meter.PeakRss / 1024.0 / 1024.0).ToString("N1", CultureInfo.InvariantCulture);
    foreach (int window in options.Windows)
    {
        List<LoadResult> of = results.FindAll(x => x.Window == window);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {window} | {Median(of, x => x.MessagesPerSecond):N0} | {Median(of, x => x.P50Micros):N1} | {Median(of, x => x.P99Micros):N1} | {Median(of, x => x.P999Micros):N1} | {Median(of, x => x.ComponentCpuMicrosPerMessage):N2} | {rss} | {Median(of, x => x.ToolCpuShare):P0} |"));
    }
    if (cold is not null && results.FindAll(x => x.Window == 1000) is { Count: > 0 } warm)
    {
        double warmRate = Median(warm, x => x.MessagesPerSecond);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Cold start: the first {options.Count:N0} messages at {cold.MessagesPerSecond:N0} msg/s, {cold.MessagesPerSecond / warmRate:P0} of the warm {warmRate:N0} msg/s."));
    }
    if (run.Unexpected > 0) Console.WriteLine($"{run.Unexpected} unexpected stanzas were ignored, first: {string.Join(" ", run.FirstUnexpected)}");
    return 0;
}
catch (Exception ex) when (ex is TimeoutException or SocketException or InvalidOperationException or OperationCanceledException)
{
    Console.Error.WriteLine($"Load test failed: {ex.Message}");
    return 1;
}
finally
{
    // The component goes first, so that it does not log the connection it loses as a failure.
    if (launched is { HasExited: false })
    {
        launched.Kill(entireProcessTree: true);
        await launched.WaitForExitAsync();
    }
    socket?.Dispose();
}

static double Median(List<LoadResult> results, Func<LoadResult, double> value)
{
    var values = results.ConvertAll(x => value(x));
    values.Sort();
    return values.Count == 0 ? double.NaN : values[values.Count / 2];
}

static Process Launch(string path, int port, LoadOptions options)
{
    var start = new ProcessStartInfo(path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? "dotnet" : path)
    {
        UseShellExecute = false,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    };
    if (path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)) start.ArgumentList.Add(path);
    foreach (string argument in new[]
    {
        "--Component:ConnectionType=Accept", "--Component:Host=127.0.0.1", $"--Component:Port={port}",
        $"--Component:Hostname={options.Domain}", $"--Component:Password={options.Secret}",
        "--Logging:LogLevel:Default=Warning",
    }.Concat(options.ComponentArguments))
    {
        start.ArgumentList.Add(argument);
    }
    foreach (string variable in options.ComponentEnvironment)
    {
        int equals = variable.IndexOf('=');
        if (equals <= 0) throw new ArgumentException($"--env {variable}: expected NAME=VALUE.");
        start.Environment[variable[..equals]] = variable[(equals + 1)..];
    }
    Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {path}.");
    process.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.WriteLine($"[echo] {e.Data}"); };
    process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.WriteLine($"[echo] {e.Data}"); };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    return process;
}
