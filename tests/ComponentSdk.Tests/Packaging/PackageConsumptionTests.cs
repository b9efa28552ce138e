using System.Diagnostics;
using System.IO.Compression;
using System.Text;

namespace ComponentSdk.Tests.Packaging;

/// <summary>
/// The NuGet packages as a user gets them: packed from this build under a version of their own, installed from a
/// local folder into a fresh project outside the repository, built and run.
/// </summary>
[NonParallelizable]
[CancelAfter(300_000)]
public class PackageConsumptionTests
{
    private static readonly string[] Packages = ["ComponentSdk", "ComponentSdk.Hosting", "ComponentSdk.Testing"];
    private string work = "";
    private string version = "";

    [SetUp]
    public void CreateWorkFolder()
    {
        version = "0.0.0-consume." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture) + "." + Random.Shared.Next(1000, 9999);
        work = Path.Combine(Path.GetTempPath(), "componentsdk-consume-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
    }

    [TearDown]
    public void RemoveWorkFolder()
    {
        Directory.Delete(work, recursive: true);
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (string package in Packages)
        {
            string installed = Path.Combine(cache, package.ToLowerInvariant(), version);
            if (Directory.Exists(installed)) Directory.Delete(installed, recursive: true);
        }
    }

    [Test]
    public async Task ThePackagesInstallIntoAFreshProjectAndRunAComponent(CancellationToken cancellationToken)
    {
        string feed = await PackAsync(cancellationToken);
        string app = await CreateAppAsync(feed, "", cancellationToken);
        await RunAsync("build -c Release", app, cancellationToken);
        string output = await RunAsync("run -c Release --no-build", app, cancellationToken);
        Assert.That(output, Does.Contain("reply: HELLO"), "a component built from the packages connected and answered");
        Assert.That(output, Does.Contain("help: True"), "the hosting package reads the SDK's XML documentation");
    }

    [Test]
    public async Task AComponentBuiltFromThePackagesPublishesAsNativeAot(CancellationToken cancellationToken)
    {
        string feed = await PackAsync(cancellationToken);
        // DotNetty reports its reflection over handler methods (IL2104); the SDK keeps those methods for the trimmer.
        string app = await CreateAppAsync(feed, "<PublishAot>true</PublishAot><WarningsNotAsErrors>IL2104</WarningsNotAsErrors>", cancellationToken);
        string published = Path.Combine(work, "native");
        await RunAsync($"publish -c Release -r linux-x64 -o \"{published}\"", app, cancellationToken);
        Assert.That(File.Exists(Path.Combine(published, "App.dll")), Is.False, "a native executable, not IL");

        string output = await RunProgramAsync(Path.Combine(published, "App"), cancellationToken);
        Assert.That(output, Does.Contain("reply: HELLO"), "the native component connected and answered");
        Assert.That(output, Does.Contain("help: True"), "the options' keys are found without reflection metadata being trimmed away");
    }

    /// <summary>Packs the solution's packages under this test's version; returns the folder they are in.</summary>
    private async Task<string> PackAsync(CancellationToken cancellationToken)
    {
        string root = RepositoryRoot();
        string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<Configuration>/net10.0
        string feed = Path.Combine(work, "feed");
        await RunAsync($"pack \"{Path.Combine(root, "ComponentSdk.sln")}\" -c {configuration} --no-build -o \"{feed}\" -p:PackageVersion={version}", root, cancellationToken);

        foreach (string package in Packages)
        {
            using ZipArchive nupkg = ZipFile.OpenRead(Path.Combine(feed, $"{package}.{version}.nupkg"));
            string[] entries = [.. nupkg.Entries.Select(e => e.FullName)];
            Assert.That(entries, Does.Contain("README.md").And.Contain("LICENSE").And.Contain($"lib/net10.0/{package}.dll").And.Contain($"lib/net10.0/{package}.xml"), package);
            using var nuspec = new StreamReader(nupkg.GetEntry($"{package}.nuspec")!.Open());
            string metadata = await nuspec.ReadToEndAsync(cancellationToken);
            Assert.That(metadata, Does.Contain("<readme>README.md</readme>").And.Contain("<license type=\"expression\">MIT</license>"), package);
            Assert.That(metadata, Does.Match("<repository type=\"git\"[^>]* commit=\"[0-9a-f]{40}\""), $"{package}: SourceLink records the commit");
            Assert.That(File.Exists(Path.Combine(feed, $"{package}.{version}.snupkg")), Is.True, $"{package}: symbols");
        }

        return feed;
    }

    /// <summary>Writes a console app using the three packages from <paramref name="feed"/>; returns its folder.</summary>
    private async Task<string> CreateAppAsync(string feed, string extraProperties, CancellationToken cancellationToken)
    {
        string app = Path.Combine(work, "app");
        Directory.CreateDirectory(app);
        // The feed is added to the configured ones, never alone: everything else (the framework's Native AOT packs,
        // Microsoft.Extensions) comes from where a user's restore gets it, so a warm cache cannot hide a missing one.
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <configuration>
              <packageSources>
                <add key="componentsdk-local" value="{feed}" />
              </packageSources>
            </configuration>
            """, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                {extraProperties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ComponentSdk.Hosting" Version="{version}" />
                <PackageReference Include="ComponentSdk.Testing" Version="{version}" />
              </ItemGroup>
            </Project>
            """, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using System.Xml.Linq;
            using ComponentSdk;
            using ComponentSdk.Hosting;
            using ComponentSdk.Testing;
            using ComponentSdk.Xml;

            await using var router = await LoopbackRouter.StartAsync();
            router.AddComponent("shout.localhost", "secret");
            await using var shout = new Shout(router.OptionsFor("shout.localhost"));
            await shout.ConnectAsync();
            await router.SendAsync(new XElement("message", new XAttribute("from", "alice@localhost/r"), new XAttribute("to", "bot@shout.localhost"), new XElement("body", "hello")));
            XElement reply = await router.ReceiveAsync(TimeSpan.FromSeconds(10));
            Console.WriteLine("reply: " + reply.Element("body")?.Value);
            Console.WriteLine("help: " + OptionsHelp.Build("app").Contains("Component:Host", StringComparison.Ordinal));
            return 0;

            sealed class Shout(ConnectionOptions options) : Component(options)
            {
                protected override ValueTask OnMessageAsync(XElement message, CancellationToken cancellationToken) =>
                    SendAsync(new XElement("message", new XAttribute("to", message.From()!), new XAttribute("from", message.To()!),
                        new XElement("body", message.Element("body")!.Value.ToUpperInvariant())), cancellationToken);
            }
            """, cancellationToken);

        return app;
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ComponentSdk.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("ComponentSdk.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Runs the dotnet CLI without build servers (they would outlive the test and hold the CI's output open).</summary>
    private static Task<string> RunAsync(string arguments, string directory, CancellationToken cancellationToken) =>
        RunProcessAsync("dotnet", arguments + (arguments.StartsWith("run", StringComparison.Ordinal) ? "" : " --disable-build-servers -nodeReuse:false"), directory, cancellationToken);

    private static Task<string> RunProgramAsync(string path, CancellationToken cancellationToken) =>
        RunProcessAsync(path, "", Path.GetDirectoryName(path)!, cancellationToken);

    /// <summary>Runs a program to its end; fails the test, with its output, unless it exits with 0.</summary>
    private static async Task<string> RunProcessAsync(string fileName, string arguments, string directory, CancellationToken cancellationToken)
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
        string text;
        lock (output) text = output.ToString();
        Assert.That(process.ExitCode, Is.Zero, $"{fileName} {arguments} failed:\n{text}");
        return text;
    }
}
