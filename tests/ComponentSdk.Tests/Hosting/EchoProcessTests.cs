using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Xml.Linq;
using ComponentSdk.Testing;
using ComponentSdk.Tests.Components;
using ComponentSdk.Tests.Support;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Hosting;

/// <summary>components/Echo as a real process, hosted by ComponentHost, against the loopback router.</summary>
[NonParallelizable]
[CancelAfter(90_000)]
public class EchoProcessTests : RouterFixture
{
    private string[] Args(string secret = "secret") =>
        ["--Component:Host=127.0.0.1", $"--Component:Port={Router.Port}", "--Component:Hostname=echo.localhost", $"--Component:Password={secret}"];

    [Test]
    public async Task EchoesStaysQuietAndEndsItsStreamCleanlyOnSigterm(CancellationToken cancellationToken)
    {
        using EchoProcess echo = EchoProcess.Start(Args());
        await Router.WaitForComponentAsync("echo.localhost", TimeSpan.FromSeconds(30));

        for (int i = 0; i < 50; i++)
        {
            await Router.SendAsync(new XElement("message", new XAttribute("from", "alice@localhost/r"), new XAttribute("to", "bot@echo.localhost"),
                new XAttribute("id", $"e{i}"), new XAttribute("type", "chat"), new XElement("body", $"hi {i}"), new XElement(XName.Get("active", "http://jabber.org/protocol/chatstates"))));
            XElement reply = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
            Assert.That(reply.Id(), Is.EqualTo($"e{i}"));
            Assert.That(reply.From(), Is.EqualTo("bot@echo.localhost"));
            Assert.That(reply.To(), Is.EqualTo("alice@localhost/r"));
            Assert.That(reply.Type(), Is.EqualTo("chat"));
            Assert.That(reply.Elements().Select(e => e.Name.LocalName), Is.EqualTo(new[] { "body", "origin-id" }), "only the body is echoed, with the origin-id of acknowledged delivery");
        }

        echo.Signal("TERM");
        (string domain, bool clean) = await Router.WaitForDisconnectAsync(TimeSpan.FromSeconds(15));
        Assert.That((domain, clean), Is.EqualTo(("echo.localhost", true)), "</stream:stream> before the socket closed");
        Assert.That(await echo.ExitAsync(TimeSpan.FromSeconds(15)), Is.EqualTo(0));
        Assert.That(echo.Output, Does.Not.Contain("hi 1"), "no per-message log lines at the default level");
        Assert.That(echo.Output.Split('\n').Count(l => l.Trim().Length > 0), Is.LessThan(10), echo.Output);
    }

    [Test]
    public async Task ARefusedLoginExitsWithThreeAndOneLineOnStandardError(CancellationToken cancellationToken)
    {
        using EchoProcess echo = EchoProcess.Start(Args(secret: "wrong"));
        Assert.That(await echo.ExitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(3));
        string[] errors = echo.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(errors, Has.Length.EqualTo(1), echo.Errors);
        Assert.That(errors[0], Does.StartWith("error: echo.localhost: ").And.Contain("not-authorized"));
        Assert.That(echo.Output + echo.Errors, Does.Not.Contain("wrong"), "the secret is never written");
    }

    [Test]
    public async Task BadOptionsExitWithTwoNamingTheKey(CancellationToken cancellationToken)
    {
        using EchoProcess echo = EchoProcess.Start(["--Component:Port=0", "--Component:Hostname=echo.localhost"]);
        Assert.That(await echo.ExitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(2));
        Assert.That(echo.Errors.Split('\n').Last(l => l.Length > 0), Does.StartWith("error: invalid options: ").And.Contain("Component:Port is required").And.Contain("Component:Password is required"));
        Assert.That(echo.Output + echo.Errors, Does.Not.Contain(" at "), "one line, no stack trace");
    }

    [Test]
    public async Task StartTlsForAnAcceptComponentExitsWithTwoNamingComponentTls(CancellationToken cancellationToken)
    {
        using EchoProcess echo = EchoProcess.Start([.. Args(), "--Component:Tls:Mode=Required"]);
        Assert.That(await echo.ExitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(2));
        Assert.That(echo.Errors, Does.Contain("Component:Tls:Mode Required needs STARTTLS").And.Contain("Use Direct"));
    }

    [Test]
    public async Task HelpListsEveryKeyWithItsDefaultAndDescriptionAndExitsZero(CancellationToken cancellationToken)
    {
        using EchoProcess echo = EchoProcess.Start(["--help", "--Component:Password=hunter2"]);
        Assert.That(await echo.ExitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(0));
        string help = echo.Output;
        Assert.That(help, Does.StartWith("Usage: Echo [--Component:Key=Value ...]"));
        foreach (string key in new[] { "Host", "Port", "Hostname", "Password", "ConnectionType", "Delivery:Acknowledged", "Reconnect:MaxDelay", "Liveness:PingInterval", "Tls:Mode", "Login:Username", "Limits:MaxStanzaBytes", "Jabberd2:BindDomain" })
            Assert.That(help, Does.Contain("Component:" + key + " "), key);
        Assert.That(help, Does.Match(@"\nTls: when TLS is used.*\n  Component:Tls:Mode\s+Required \(Accept: none\)\s+How TLS is used"), "listed by group");
        Assert.That(help, Does.Match(@"Component:ShutdownTimeout\s+00:00:05\s+How long"), "default and the first sentence of its documentation");
        Assert.That(help, Does.Match(@"Component:Password\s+\(secret\)"));
        Assert.That(help, Does.Match(@"\n  ComponentHost:WarmUpMessages\s+0\s+Messages sent through the SDK's own code"), "the process's own section too");
        Assert.That(help, Does.Not.Contain("CertificateValidation"), "code-only options are not configuration keys");
        Assert.That(help + echo.Errors, Does.Not.Contain("hunter2"));
    }

    [Test]
    public async Task InDevelopmentTheSecretCanComeFromUserSecretsAndIsNeverWritten(CancellationToken cancellationToken)
    {
        // What `dotnet user-secrets set Component:Password secret` writes, under a HOME of the test's own.
        string home = Path.Combine(Path.GetTempPath(), "componentsdk-home-" + Guid.NewGuid().ToString("N")[..8]);
        string store = Path.Combine(home, ".microsoft", "usersecrets", "componentsdk-echo");
        Directory.CreateDirectory(store);
        await File.WriteAllTextAsync(Path.Combine(store, "secrets.json"), "{ \"Component:Password\": \"secret\" }", cancellationToken);
        try
        {
            using EchoProcess echo = EchoProcess.Start(
                ["--Component:Host=127.0.0.1", $"--Component:Port={Router.Port}", "--Component:Hostname=echo.localhost", "--Component:Debug=true"],
                new Dictionary<string, string> { ["HOME"] = home, ["DOTNET_ENVIRONMENT"] = "Development", ["Logging__LogLevel__Default"] = "Debug" });
            await Router.WaitForComponentAsync("echo.localhost", TimeSpan.FromSeconds(30));
            echo.Signal("TERM");
            Assert.That(await echo.ExitAsync(TimeSpan.FromSeconds(15)), Is.EqualTo(0));
            Assert.That(echo.Output, Does.Contain("<handshake>"), "the XML trace was on");
            Assert.That(echo.Output + echo.Errors, Does.Not.Contain("\"secret\"").And.Not.Contain("=secret").And.Not.Contain(">secret<"), "the secret is never written");
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Test]
    public async Task TheEnvironmentConfiguresItToo(CancellationToken cancellationToken)
    {
        using EchoProcess echo = EchoProcess.Start([], new Dictionary<string, string>
        {
            ["Component__Host"] = "127.0.0.1", ["Component__Port"] = Router.Port.ToString(), ["Component__Hostname"] = "echo.localhost", ["Component__Password"] = "secret",
        });
        await Router.WaitForComponentAsync("echo.localhost", TimeSpan.FromSeconds(30));
        echo.Signal(CtrlC);
        Assert.That(await echo.ExitAsync(TimeSpan.FromSeconds(15)), Is.EqualTo(0));
    }

    [Test]
    public async Task NothingListeningIsLoggedAtEachAttemptAndGivingUpExitsWithFour(CancellationToken cancellationToken)
    {
        int port = FreePort();
        using EchoProcess echo = EchoProcess.Start(
            ["--Component:Host=127.0.0.1", $"--Component:Port={port}", "--Component:Hostname=echo.localhost", "--Component:Password=secret",
             "--Component:Reconnect:MaxAttempts=3", "--Component:Reconnect:InitialDelay=00:00:00.050", "--Component:Reconnect:MaxDelay=00:00:00.100"]);

        Assert.That(await echo.ExitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(ComponentSdk.Hosting.ComponentExitCode.ConnectionFailed));
        string[] lines = echo.Output.Split('\n');
        int[] warnings = [.. Enumerable.Range(0, lines.Length).Where(i => lines[i].Contains("connection attempt", StringComparison.Ordinal))];
        Assert.That(warnings, Has.Length.EqualTo(2), echo.Output);
        Assert.That(lines[warnings[0] - 1], Does.StartWith("warn:"), "at the default log level");
        Assert.That(lines[warnings[0]], Does.Match($@"connection attempt 1 failed, trying again in \d+ ms: Nothing listens on 127\.0\.0\.1:{port} \(connection refused\)"));
        Assert.That(lines[warnings[1]], Does.Contain("connection attempt 2 failed"));
        string[] errors = echo.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(errors, Has.Length.EqualTo(1), echo.Errors);
        Assert.That(errors[0], Does.StartWith("error: echo.localhost: Gave up after 3 attempts (Reconnect:MaxAttempts): Nothing listens on"));
    }

    [Test]
    public async Task ARefusalAsConflictIsLoggedAtEachAttemptInWords(CancellationToken cancellationToken)
    {
        await using TestComponent holder = await ConnectedAsync(); // Prosody's default: a second connection for the domain is refused
        using EchoProcess echo = EchoProcess.Start(
            [.. Args(), "--Component:Reconnect:MaxAttempts=2", "--Component:Reconnect:InitialDelay=00:00:00.050"]);

        Assert.That(await echo.ExitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(ComponentSdk.Hosting.ComponentExitCode.ConnectionFailed));
        Assert.That(echo.Output, Does.Match("connection attempt 1 failed, trying again in .*: The server refused the component 'echo.localhost': conflict")
            .And.Contain("another connection holds 'echo.localhost'"));
        Assert.That(echo.Errors, Does.Contain("Gave up after 2 attempts"));
    }

    [Test]
    public async Task WithoutALimitItKeepsTryingAndSaysSoUntilStopped(CancellationToken cancellationToken)
    {
        int port = FreePort();
        using EchoProcess echo = EchoProcess.Start(
            ["--Component:Host=127.0.0.1", $"--Component:Port={port}", "--Component:Hostname=echo.localhost", "--Component:Password=secret",
             "--Component:Reconnect:InitialDelay=00:00:00.050", "--Component:Reconnect:MaxDelay=00:00:00.100"]);
        await TestComponent.Until(() => echo.Output.Split('\n').Count(l => l.Contains(": Nothing listens", StringComparison.Ordinal)) >= 3,
            TimeSpan.FromSeconds(20), "three attempts reported");
        echo.Signal("TERM");
        Assert.That(await echo.ExitAsync(TimeSpan.FromSeconds(15)), Is.EqualTo(0));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Test]
    public async Task UnderSystemdItNotifiesReadyOnceConnectedAndStoppingOnSigterm(CancellationToken cancellationToken)
    {
        string path = Path.Combine(Path.GetTempPath(), $"componentsdk-notify-{Guid.NewGuid():N}.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(path));
        // The proxy holds the traffic: the component has a socket but no answer yet, so it is not ready.
        await using var proxy = FaultInjectingProxy.Start(Router.Host, Router.Port);
        proxy.Stall();
        try
        {
            using EchoProcess echo = EchoProcess.Start(
                ["--Component:Host=127.0.0.1", $"--Component:Port={proxy.Port}", "--Component:Hostname=echo.localhost", "--Component:Password=secret"],
                new Dictionary<string, string> { ["NOTIFY_SOCKET"] = path, ["JOURNAL_STREAM"] = "8:4242", ["Logging__Console__FormatterName"] = "" });
            Assert.That(await ReceiveNotificationAsync(notify, TimeSpan.FromSeconds(2)), Is.Null, "nothing before the component is connected");

            proxy.Resume();
            string? ready = await ReceiveNotificationAsync(notify, TimeSpan.FromSeconds(20));
            Assert.That(ready, Does.StartWith("READY=1\n").And.Contain("STATUS=1 component(s) connected"));
            Assert.That(Router.ConnectedDomains, Does.Contain("echo.localhost"), "READY comes once the component is connected");

            echo.Signal("TERM");
            Assert.That(await ReceiveNotificationAsync(notify, TimeSpan.FromSeconds(10)), Is.EqualTo("STOPPING=1"));
            Assert.That(await echo.ExitAsync(TimeSpan.FromSeconds(15)), Is.EqualTo(0));
            Assert.That(echo.Output, Does.Match(@"(?m)^<6>.*ready as echo\.localhost"), "journal format: the level as a syslog priority, no timestamp");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The next datagram on the notification socket, or null when none arrives in time.</summary>
    private static async Task<string?> ReceiveNotificationAsync(Socket socket, TimeSpan timeout)
    {
        byte[] buffer = new byte[4096];
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            int length = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
            return Encoding.UTF8.GetString(buffer, 0, length);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// Ctrl-C (SIGINT), unless this test run ignores it, as a run started in the background by a non-interactive shell
    /// does: Echo inherits that, as any Unix process does, and .NET keeps it ignored, so SIGTERM is sent instead.
    /// </summary>
    private static string CtrlC
    {
        get
        {
            const int SigInt = 2;
            string? ignored = File.Exists("/proc/self/status")
                ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))
                : null;
            if (ignored is null || (Convert.ToUInt64(ignored["SigIgn:".Length..].Trim(), 16) & (1UL << (SigInt - 1))) == 0) return "INT";
            TestContext.Out.WriteLine("This test run ignores SIGINT, and so would Echo: sending SIGTERM instead.");
            return "TERM";
        }
    }

    private sealed class EchoProcess : IDisposable
    {
        private readonly Process process;
        private readonly StringBuilder output = new();
        private readonly StringBuilder errors = new();

        private EchoProcess(Process process) => this.process = process;

        public string Output
        {
            get { lock (output) return output.ToString(); }
        }

        public string Errors
        {
            get { lock (errors) return errors.ToString(); }
        }

        public static EchoProcess Start(string[] args, IDictionary<string, string>? environment = null)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Echo.dll"));
            foreach (string arg in args) start.ArgumentList.Add(arg);
            start.Environment["DOTNET_ENVIRONMENT"] = "Production";
            start.Environment["Logging__Console__FormatterName"] = "simple";
            if (environment is not null) foreach ((string k, string v) in environment) start.Environment[k] = v;
            var echo = new EchoProcess(new Process { StartInfo = start });
            echo.process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (echo.output) echo.output.AppendLine(e.Data); };
            echo.process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (echo.errors) echo.errors.AppendLine(e.Data); };
            echo.process.Start();
            echo.process.BeginOutputReadLine();
            echo.process.BeginErrorReadLine();
            return echo;
        }

        public void Signal(string signal) => Process.Start("kill", $"-{signal} {process.Id}")!.WaitForExit();

        public async Task<int> ExitAsync(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Echo did not exit within {timeout.TotalSeconds} s.\n{Output}\n{Errors}");
            }
            process.WaitForExit();
            return process.ExitCode;
        }

        public void Dispose()
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
        }
    }
}
