using System.Text.RegularExpressions;

namespace ComponentSdk.Tests.Packaging;

/// <summary>
/// The README's complete code blocks (those marked <c>&lt;!-- snippet: name --&gt;</c>) compiled and run as a reader
/// would: the component as a program built from the packages, the test as an NUnit project that references it.
/// </summary>
[NonParallelizable]
[CancelAfter(300_000)]
public partial class ReadmeTests
{
    [Test]
    public async Task TheReadmesComponentBuildsAndItsTestPassesAsWritten(CancellationToken cancellationToken)
    {
        Dictionary<string, string> snippets = Snippets(await File.ReadAllTextAsync(Path.Combine(LocalPackages.RepositoryRoot, "README.md"), cancellationToken));
        Assert.That(snippets.Keys, Is.SupersetOf(new[] { "component", "test" }), "the README marks its complete examples");

        string feed = await LocalPackages.FeedAsync(cancellationToken);
        string work = Path.Combine(LocalPackages.Work, "readme-" + Guid.NewGuid().ToString("N")[..8]);
        string app = Path.Combine(work, "App");
        string tests = Path.Combine(work, "App.Tests");
        Directory.CreateDirectory(app);
        Directory.CreateDirectory(tests);
        await LocalPackages.WriteNuGetConfigAsync(work, feed, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ComponentSdk.Hosting" Version="{LocalPackages.Version}" />
              </ItemGroup>
            </Project>
            """, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), snippets["component"], cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(tests, "App.Tests.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.11.0" />
                <PackageReference Include="NUnit" Version="5.0.0" />
                <PackageReference Include="NUnit3TestAdapter" Version="6.3.1" />
                <PackageReference Include="ComponentSdk.Testing" Version="{LocalPackages.Version}" />
                <ProjectReference Include="../App/App.csproj" />
              </ItemGroup>
            </Project>
            """, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(tests, "EchoComponentTests.cs"), snippets["test"], cancellationToken);

        string output = await LocalPackages.DotnetAsync("test", tests, cancellationToken);

        // The test waits 5 s for the echo: a request of OnReadyAsync that nobody answered would hold it up for 30.
        Assert.That(output, Does.Match(@"Passed!\s+- Failed:\s+0, Passed:\s+1"));
    }

    /// <summary>The code of each block marked <c>&lt;!-- snippet: name --&gt;</c>, by name.</summary>
    private static Dictionary<string, string> Snippets(string markdown) =>
        SnippetPattern().Matches(markdown).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["code"].Value);

    [GeneratedRegex(@"<!-- snippet: (?<name>[\w-]+) -->\r?\n```csharp\r?\n(?<code>.*?)\r?\n```", RegexOptions.Singleline)]
    private static partial Regex SnippetPattern();
}
