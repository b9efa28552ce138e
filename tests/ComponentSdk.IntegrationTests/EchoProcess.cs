using System.Diagnostics;
using System.Text;

namespace ComponentSdk.IntegrationTests;

/// <summary>
/// components/Echo as its own process on its hosted defaults (the way it is deployed), for tests that stop it the way
/// an operator or a crash does: SIGTERM (the host's graceful stop) or SIGKILL.
/// </summary>
internal sealed class EchoProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private EchoProcess(string name, int port)
    {
        Name = name;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "Echo.dll"), "--Component:Host=127.0.0.1", $"--Component:Port={port}",
            "--Component:Hostname=echo.localhost", "--Component:Password=secret", "--Component:ConnectionType=Accept",
            "--Logging:Console:FormatterName=simple", "--Logging:Console:FormatterOptions:SingleLine=true",
        })
            start.ArgumentList.Add(argument);
        process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("it exited"));
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    public string Output
    {
        get { lock (output) return output.ToString(); }
    }

    /// <summary>Starts one and waits until its component is ready.</summary>
    public static async Task<EchoProcess> StartAsync(string name, int port, CancellationToken cancellationToken)
    {
        var echo = new EchoProcess(name, port);
        try
        {
            await echo.ready.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            echo.Dispose();
            Assert.Fail($"{name} was not ready within 30 s ({ex.Message}); its output:\n{echo.Output}");
        }
        return echo;
    }

    /// <summary>SIGTERM: the host stops the component gracefully.</summary>
    public void Terminate()
    {
        using Process kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>SIGKILL: gone at once, sockets closed by the kernel.</summary>
    public void Kill() => process.Kill();

    /// <summary>Waits for the process to end and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{Name} did not exit within {timeout.TotalSeconds} s; its output:\n{Output}");
        }
        return process.ExitCode;
    }

    public void Dispose()
    {
        if (!process.HasExited) process.Kill();
        process.WaitForExit();
        process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
        if (line.Contains(" ready as ", StringComparison.Ordinal)) ready.TrySetResult();
    }
}
