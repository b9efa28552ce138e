using System.IO.Compression;

namespace ComponentSdk.Tests.Packaging;

/// <summary>The NuGet packages as a user gets them: installed from a local folder into a fresh project outside the repository, built and run.</summary>
[NonParallelizable]
[CancelAfter(300_000)]
public class PackageConsumptionTests
{
    private static readonly string[] Libraries = ["ComponentSdk", "ComponentSdk.Hosting", "ComponentSdk.Testing"];
    private string work = "";

    [SetUp]
    public void CreateWorkFolder()
    {
        work = Path.Combine(LocalPackages.Work, "consume-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
    }

    [Test]
    public async Task ThePackagesCarryTheReadmeLicenseDocumentationSymbolsAndSourceLink(CancellationToken cancellationToken)
    {
        string feed = await LocalPackages.FeedAsync(cancellationToken);
        foreach (string package in Libraries)
        {
            using ZipArchive nupkg = ZipFile.OpenRead(Path.Combine(feed, $"{package}.{LocalPackages.Version}.nupkg"));
            string[] entries = [.. nupkg.Entries.Select(e => e.FullName)];
            Assert.That(entries, Does.Contain("README.md").And.Contain("LICENSE").And.Contain($"lib/net10.0/{package}.dll").And.Contain($"lib/net10.0/{package}.xml"), package);
            using var nuspec = new StreamReader(nupkg.GetEntry($"{package}.nuspec")!.Open());
            string metadata = await nuspec.ReadToEndAsync(cancellationToken);
            Assert.That(metadata, Does.Contain("<readme>README.md</readme>").And.Contain("<license type=\"expression\">MIT</license>"), package);
            Assert.That(metadata, Does.Match("<repository type=\"git\"[^>]* commit=\"[0-9a-f]{40}\""), $"{package}: SourceLink records the commit");
            Assert.That(File.Exists(Path.Combine(feed, $"{package}.{LocalPackages.Version}.snupkg")), Is.True, $"{package}: symbols");
        }
    }

    [Test]
    public async Task ThePackagesInstallIntoAFreshProjectAndRunAComponent(CancellationToken cancellationToken)
    {
        string app = await CreateAppAsync("", cancellationToken);
        await LocalPackages.DotnetAsync("build -c Release", app, cancellationToken);
        Assert.That(File.Exists(Path.Combine(app, "bin", "Release", "net10.0", "ComponentSdk.xml")), Is.True,
            "the SDK's documentation is copied beside the program, where --help reads it");
        string runtimeConfig = File.ReadAllText(Directory.GetFiles(Path.Combine(app, "bin", "Release", "net10.0"), "*.runtimeconfig.json").Single());
        Assert.That(runtimeConfig, Does.Contain("\"System.Runtime.TieredCompilation.CallCountingDelayMs\": 0"),
            "the hosting package's quick warm-up reaches the program's runtime settings");
        string output = await LocalPackages.DotnetAsync("run -c Release --no-build", app, cancellationToken);
        Assert.That(output, Does.Contain("reply: HELLO"), "a component built from the packages connected and answered");
        Assert.That(output, Does.Contain("help: True"), "the hosting package reads the SDK's XML documentation");
    }

    [Test]
    public async Task AComponentBuiltFromThePackagesPublishesAsNativeAot(CancellationToken cancellationToken)
    {
        // DotNetty reports its reflection over handler methods (IL2104); the SDK keeps those methods for the trimmer.
        string app = await CreateAppAsync("<PublishAot>true</PublishAot><WarningsNotAsErrors>IL2104</WarningsNotAsErrors>", cancellationToken);
        string published = Path.Combine(work, "native");
        await LocalPackages.DotnetAsync($"publish -c Release -r linux-x64 -o \"{published}\"", app, cancellationToken);
        Assert.That(File.Exists(Path.Combine(published, "App.dll")), Is.False, "a native executable, not IL");

        string output = await LocalPackages.RunAsync(Path.Combine(published, "App"), "", published, cancellationToken);
        Assert.That(output, Does.Contain("reply: HELLO"), "the native component connected and answered");
        Assert.That(output, Does.Contain("help: True"), "the options' keys and their documentation are found without reflection metadata being trimmed away");
    }

    /// <summary>Writes a console app using the packages from the local feed; returns its folder.</summary>
    private async Task<string> CreateAppAsync(string extraProperties, CancellationToken cancellationToken)
    {
        string feed = await LocalPackages.FeedAsync(cancellationToken);
        string app = Path.Combine(work, "app");
        Directory.CreateDirectory(app);
        await LocalPackages.WriteNuGetConfigAsync(app, feed, cancellationToken);
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
                <PackageReference Include="ComponentSdk.Hosting" Version="{LocalPackages.Version}" />
                <PackageReference Include="ComponentSdk.Testing" Version="{LocalPackages.Version}" />
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
            string help = OptionsHelp.Build("app");
            Console.WriteLine("help: " + (help.Contains("Component:Host", StringComparison.Ordinal) && help.Contains("How long", StringComparison.Ordinal)));
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
}
