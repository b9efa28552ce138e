using System.Diagnostics;
using System.Globalization;
using ComponentSdk;
using ComponentSdk.ClusterLoad;

// Echo throughput through a real ejabberd cluster: N Echo processes for echo.localhost (ejabberd balances between
// them), users on both nodes sending with a window of messages awaiting their echo. Reports msg/s and the CPU of the
// server and of the components. See docs/scale-out.md.
ClusterLoadOptions? options;
try
{
    options = ClusterLoadOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
if (options is null)
{
    Console.WriteLine(ClusterLoadOptions.Usage);
    return 0;
}

var echoes = new List<EchoProcess>();
var users = new List<LoadUser>();
try
{
    foreach (int port in options.Components) echoes.Add(await EchoProcess.StartAsync(options.Echo!, port));
    string[] names = ["bob", "alice"];
    for (int i = 0; i < options.Users.Count; i++)
    {
        var user = new LoadUser(new ConnectionOptions
        {
            ConnectionType = ConnectionType.Client, Host = "127.0.0.1", Port = options.Users[i], Hostname = "localhost",
            Login = { Username = names[i] }, Password = names[i] + "pw", Tls = { TrustedCertificatePath = options.Certificate },
        });
        await user.ConnectAsync();
        users.Add(user);
    }
    Console.WriteLine($"{options.Components.Count} Echo process(es) on ports {string.Join(",", options.Components)}; " +
        $"{users.Count} user(s), {options.Count:N0} messages each, {options.Window} awaiting their echo");

    // A short warm-up, unmeasured: JIT and connections settle.
    await Task.WhenAll(users.Select(u => u.RunAsync(Math.Min(2_000, options.Count), options.Window, CancellationToken.None)));
    var rates = new List<double>();
    var serverCpu = new List<double>();
    var componentCpu = new List<double>();
    var userCpu = new List<double>();
    for (int run = 1; run <= options.Runs; run++)
    {
        TimeSpan serverBefore = CpuOf(options.ServerPids), componentsBefore = CpuOf(echoes.Select(e => e.Process.Id)), usersBefore = CpuOf([Environment.ProcessId]);
        long started = Stopwatch.GetTimestamp();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await Task.WhenAll(users.Select(u => u.RunAsync(options.Count, options.Window, timeout.Token)));
        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        double messages = (double)options.Count * users.Count;
        rates.Add(messages / elapsed.TotalSeconds);
        // CPU as cores busy on average over the run (2.0 = both cores of a 2-core machine).
        serverCpu.Add((CpuOf(options.ServerPids) - serverBefore) / elapsed);
        componentCpu.Add((CpuOf(echoes.Select(e => e.Process.Id)) - componentsBefore) / elapsed);
        userCpu.Add((CpuOf([Environment.ProcessId]) - usersBefore) / elapsed);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"run {run}: {rates[^1]:N0} msg/s ({messages:N0} in {elapsed.TotalSeconds:0.00} s); server CPU {serverCpu[^1]:0.00} cores, components {componentCpu[^1]:0.00}, users {userCpu[^1]:0.00}"));
    }
    int copies = users.Sum(u => u.Copies);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"median: {Median(rates):N0} msg/s; server CPU {Median(serverCpu):0.00} cores, components {Median(componentCpu):0.00}, users (this tool) {Median(userCpu):0.00}; {copies} copies"));
    return copies == 0 ? 0 : 1;
}
finally
{
    foreach (LoadUser user in users) await user.DisposeAsync();
    foreach (EchoProcess echo in echoes) echo.Dispose();
}

static TimeSpan CpuOf(IEnumerable<int> pids)
{
    TimeSpan total = TimeSpan.Zero;
    foreach (int pid in pids)
    {
        using Process process = Process.GetProcessById(pid);
        total += process.TotalProcessorTime;
    }
    return total;
}

static double Median(List<double> values)
{
    List<double> sorted = [.. values.Order()];
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}
