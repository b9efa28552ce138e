using System.Diagnostics;

namespace ComponentSdk.ClusterLoad;

/// <summary>One components/Echo process for echo.localhost on a component port, started and waited for until ready.</summary>
internal sealed class EchoProcess : IDisposable
{
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private EchoProcess(string echo, int port)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(echo))!,
        };
        foreach (string argument in new[]
        {
            Path.GetFullPath(echo), "--Component:Host=127.0.0.1", $"--Component:Port={port}", "--Component:Hostname=echo.localhost",
            "--Component:Password=secret", "--Component:ConnectionType=Accept",
        })
            start.ArgumentList.Add(argument);
        Process = new Process { StartInfo = start, EnableRaisingEvents = true };
        Process.OutputDataReceived += (_, e) => Watch(e.Data);
        Process.ErrorDataReceived += (_, e) => Watch(e.Data);
        Process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"Echo on port {port} exited with {Process.ExitCode}."));
        Process.Start();
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public static async Task<EchoProcess> StartAsync(string echo, int port)
    {
        var started = new EchoProcess(echo, port);
        await started.ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return started;
    }

    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill();
        Process.WaitForExit();
        Process.Dispose();
    }

    private void Watch(string? line)
    {
        if (line is null) return;
        if (line.Contains(" ready as ", StringComparison.Ordinal)) ready.TrySetResult();
        else if (line.StartsWith("warn", StringComparison.Ordinal) || line.StartsWith("fail", StringComparison.Ordinal)) Console.Error.WriteLine($"echo: {line}");
    }
}
