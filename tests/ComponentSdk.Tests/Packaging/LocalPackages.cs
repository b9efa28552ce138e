using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ComponentSdk.Tests.Packaging;

/// <summary>
/// The solution's packages as a user gets them: packed once per test run, from this build, under a version of their
/// own, into a folder that the tests add to the configured package sources (never in place of them, so that a warm
/// package cache cannot hide a package only the cache had). Removes the folder and what was restored from it at the end.
/// </summary>
[SetUpFixture]
public sealed class LocalPackages
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? feed;

    /// <summary>The packages' version: new for every run, so NuGet's cache never serves an older build.</summary>
    public static string Version { get; } = "0.0.0-local." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "." + Random.Shared.Next(1000, 9999);

    /// <summary>A folder of this run's own, removed at the end.</summary>
    public static string Work { get; } = Path.Combine(Path.GetTempPath(), "componentsdk-packages-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>The package ids the solution packs.</summary>
    public static readonly string[] Packages = ["ComponentSdk", "ComponentSdk.Hosting", "ComponentSdk.Testing", "ComponentSdk.Templates"];

    /// <summary>Packs the solution once; returns the folder of packages.</summary>
    public static async Task<string> FeedAsync(CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            if (feed is not null) return feed;
            string root = RepositoryRoot;
            string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<Configuration>/net10.0
            string folder = Path.Combine(Work, "feed");
            await DotnetAsync($"pack \"{Path.Combine(root, "ComponentSdk.sln")}\" -c {configuration} --no-build -o \"{folder}\" -p:PackageVersion={Version}", root, cancellationToken);
            return feed = folder;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>A nuget.config in <paramref name="directory"/> that adds the packages' folder to the configured sources.</summary>
    public static Task WriteNuGetConfigAsync(string directory, string packages, CancellationToken cancellationToken) =>
        File.WriteAllTextAsync(Path.Combine(directory, "nuget.config"), $"""
            <configuration>
              <packageSources>
                <add key="componentsdk-local" value="{packages}" />
              </packageSources>
            </configuration>
            """, cancellationToken);

    public static string RepositoryRoot { get; } = FindRoot();

    [OneTimeTearDown]
    public void RemovePackages()
    {
        if (Directory.Exists(Work)) Directory.Delete(Work, recursive: true);
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (string package in Packages)
        {
            string installed = Path.Combine(cache, package.ToLowerInvariant(), Version);
            if (Directory.Exists(installed)) Directory.Delete(installed, recursive: true);
        }
    }

    /// <summary>Runs the dotnet CLI without build servers (they would outlive the test and hold the CI's output open).</summary>
    public static Task<string> DotnetAsync(string arguments, string directory, CancellationToken cancellationToken) =>
        RunAsync("dotnet", arguments.StartsWith("run", StringComparison.Ordinal) || arguments.StartsWith("new", StringComparison.Ordinal)
            ? arguments : arguments + " --disable-build-servers -nodeReuse:false", directory, cancellationToken);

    /// <summary>Runs a program to its end; fails the test, with its output, unless it exits with 0.</summary>
    public static async Task<string> RunAsync(string fileName, string arguments, string directory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using Process process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        process.WaitForExit(); // the output's last lines
        string text;
        lock (output) text = output.ToString();
        Assert.That(process.ExitCode, Is.Zero, $"{fileName} {arguments} failed:\n{text}");
        return text;
    }

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ComponentSdk.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("ComponentSdk.sln not found above " + AppContext.BaseDirectory);
    }
}
