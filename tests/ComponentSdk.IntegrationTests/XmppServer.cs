using System.Diagnostics;

namespace ComponentSdk.IntegrationTests;

/// <summary>
/// A real XMPP server on loopback, started with the project's own scripts (tests/servers) into a fresh state
/// directory, on ports of its own so that it never meets a server started by hand.
/// </summary>
public sealed class XmppServer
{
    private XmppServer(string name, string stateDir, IReadOnlyDictionary<string, string> values)
    {
        Name = name;
        StateDir = stateDir;
        Values = values;
    }

    public string Name { get; }

    public string StateDir { get; }

    public IReadOnlyDictionary<string, string> Values { get; }

    public string Host => "127.0.0.1";

    public int ClientPort => int.Parse(Values["C2S_PORT"]);

    public int ComponentPort => int.Parse(Values["COMPONENT_PORT"]);

    public string Domain => "localhost";

    /// <summary>The server's self-signed certificate (PEM).</summary>
    public string Certificate => Values.TryGetValue("CERT", out string? cert) ? cert : Path.Combine(StateDir, "server.crt");

    /// <summary>Options for a jabberd2 router component binding <paramref name="names"/>, trusting the router's certificate.</summary>
    public ConnectionOptions RouterComponent(string names, string user = "component", string password = "secret", string? bindOption = null) => new()
    {
        Host = Host, Port = ComponentPort, Hostname = Domain, Login = { Username = user }, Password = password, ConnectionType = ConnectionType.Jabberd2,
        Jabberd2 = { BindDomain = names, BindOption = bindOption }, Tls = { TrustedCertificatePath = Certificate },
    };

    /// <summary>Options for a client login as <paramref name="user"/>, trusting this server's certificate.</summary>
    public ConnectionOptions Client(string user, string password, ConnectionType type = ConnectionType.Client) => new()
    {
        Host = Host, Port = ClientPort, Hostname = Domain, Login = { Username = user }, Password = password, ConnectionType = type,
        Tls = { TrustedCertificatePath = Certificate },
    };

    public override string ToString() => Name;

    /// <summary>
    /// Connects <paramref name="component"/>; on jabberd2, once more if the first stream ends at once with
    /// internal-server-error. jabberd2's c2s names a client session by its socket's file descriptor, so a late answer
    /// about a session that just ended can reach a new connection that was given the same descriptor, which c2s then
    /// ends as a failed route. Only a test that logs in again right after logging out meets it.
    /// </summary>
    public Task ConnectAgainAsync(Component component, CancellationToken cancellationToken) =>
        AgainAsync(() => component.ConnectAsync(cancellationToken), cancellationToken);

    /// <summary>As <see cref="ConnectAgainAsync"/>, for a reconnect.</summary>
    public Task ReconnectAgainAsync(Component component, CancellationToken cancellationToken) =>
        AgainAsync(() => component.ReconnectAsync(cancellationToken: cancellationToken), cancellationToken);

    private async Task AgainAsync(Func<Task> connect, CancellationToken cancellationToken)
    {
        try
        {
            await connect();
        }
        catch (StreamErrorException error) when (Name == "jabberd2" && error.Condition == StreamErrorCondition.InternalServerError)
        {
            TestContext.Progress.WriteLine($"jabberd2 ended a new stream with internal-server-error ({error.Message}); connecting once more.");
            await Task.Delay(200, cancellationToken);
            await connect();
        }
    }

    public ConnectionOptions Component(string domain, string secret) => new()
    {
        Host = Host, Port = ComponentPort, Hostname = domain, Password = secret, ConnectionType = ConnectionType.Accept,
    };

    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>Starts <paramref name="name"/> (prosody, ejabberd); fails with how to fix it when it cannot.</summary>
    public static XmppServer Start(string name, int c2sPort, int componentPort, IDictionary<string, string>? environment = null, string instance = "")
    {
        string stateDir = Path.Combine(Path.GetTempPath(), $"componentsdk-it-{name}{instance}-{Environment.ProcessId}");
        var env = new Dictionary<string, string>
        {
            ["C2S_PORT"] = c2sPort.ToString(), ["COMPONENT_PORT"] = componentPort.ToString(),
            ["JABBERD2_C2S_PORT"] = c2sPort.ToString(), ["JABBERD2_ROUTER_PORT"] = componentPort.ToString(),
        };
        if (environment is not null) foreach ((string k, string v) in environment) env[k] = v;
        (int exit, string stdout, string stderr) = Run(Path.Combine(RepositoryRoot, "tests", "servers", name, "start"), [stateDir], env);
        if (exit != 0)
        {
            Assert.Fail($"Could not start {name} (exit {exit}). Install the servers with `bash tests/servers/install` (root), " +
                        $"or run the README's test command, which does. Script output:\n{stderr}\n{stdout}");
        }
        var values = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.Contains(' ', StringComparison.Ordinal) || l.IndexOf('=') < l.IndexOf(' '))
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0].Trim(), p => p[1].Trim());
        values.TryAdd("C2S_PORT", c2sPort.ToString());
        values.TryAdd("COMPONENT_PORT", componentPort.ToString());
        return new XmppServer(name, stateDir, values) { restart = () => Start(name, c2sPort, componentPort, environment, instance) };
    }

    private Func<XmppServer>? restart;

    /// <summary>Stops the server process (as an administrator would, with SIGTERM), keeping the state dir.</summary>
    public void Kill()
    {
        (int exit, _, string stderr) = Run(Path.Combine(RepositoryRoot, "tests", "servers", Name, "stop"), [StateDir], new Dictionary<string, string>());
        if (exit != 0) Assert.Fail($"Could not stop {Name}: {stderr}");
    }

    /// <summary>Starts the server again on the same ports (after <see cref="Kill"/>).</summary>
    public XmppServer StartAgain() => restart!();

    /// <summary>Stops the server and removes its state, unless <paramref name="keepLogs"/>: then its state directory stays.</summary>
    public void Stop(bool keepLogs = false)
    {
        if (keepLogs)
        {
            Kill();
            TestContext.Progress.WriteLine($"{Name}: state and logs kept in {StateDir}");
            return;
        }
        string script = Path.Combine(RepositoryRoot, "tests", "servers", Name, "stop");
        Run(script, Name == "jabberd2" ? [StateDir, "--clean"] : [StateDir, "--rm"], new Dictionary<string, string>());
    }

    /// <summary>
    /// Writes the last lines of each of the server's logs. Tests run one at a time, so right after a failure these are
    /// the server's side of it.
    /// </summary>
    public void ReportLogs(TextWriter writer, int lines = 30)
    {
        if (!Directory.Exists(StateDir)) return;
        foreach (string log in Directory.EnumerateFiles(StateDir, "*.log", SearchOption.AllDirectories))
        {
            string[] last = File.ReadLines(log).TakeLast(lines).ToArray();
            writer.WriteLine($"--- {Name}: the last {last.Length} lines of {log}");
            foreach (string line in last) writer.WriteLine(line);
        }
    }

    private static (int Exit, string Stdout, string Stderr) Run(string script, string[] args, IDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        foreach ((string k, string v) in environment) start.Environment[k] = v;
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, stdout.Result, "timed out after 120 s\n" + stderr.Result);
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ComponentSdk.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Cannot find the repository root (ComponentSdk.sln) above " + AppContext.BaseDirectory);
    }
}
