namespace ComponentSdk.Tests.Packaging;

/// <summary>
/// The project template as a user meets it: installed from its package into a template location of the test's own,
/// instantiated, built, and its tests run.
/// </summary>
[NonParallelizable]
[CancelAfter(300_000)]
public class TemplateTests
{
    [Test]
    public async Task TheTemplateMakesASolutionThatBuildsPassesItsTestsAndDescribesItsOptions(CancellationToken cancellationToken)
    {
        string feed = await LocalPackages.FeedAsync(cancellationToken);
        string work = Path.Combine(LocalPackages.Work, "template-" + Guid.NewGuid().ToString("N")[..8]);
        string hive = Path.Combine(work, "hive");
        string solution = Path.Combine(work, "WeatherBot");
        Directory.CreateDirectory(work);
        await LocalPackages.DotnetAsync($"new install \"{Path.Combine(feed, $"ComponentSdk.Templates.{LocalPackages.Version}.nupkg")}\" --debug:custom-hive \"{hive}\"", work, cancellationToken);
        await LocalPackages.DotnetAsync($"new xmpp-component -n WeatherBot -o \"{solution}\" --sdk-source \"{feed}\" --debug:custom-hive \"{hive}\"", work, cancellationToken);

        string test = await LocalPackages.DotnetAsync("test", solution, cancellationToken);
        Assert.That(test, Does.Match(@"Passed!\s+- Failed:\s+0, Passed:\s+2"), "the generated tests pass as they are");

        string output = Path.Combine(solution, "src", "WeatherBot", "bin", "Debug", "net10.0");
        Assert.That(File.Exists(Path.Combine(output, "appsettings.json")), Is.True, "appsettings.json is copied beside the program");
        string help = await LocalPackages.DotnetAsync("run --no-build --project src/WeatherBot -- --help", solution, cancellationToken);
        Assert.That(help, Does.Match(@"Component:ShutdownTimeout\s+00:00:05\s+How long"), "--help describes every key");

        string unit = await File.ReadAllTextAsync(Path.Combine(solution, "deploy", "WeatherBot.service"), cancellationToken);
        Assert.That(unit, Does.Contain("Type=notify").And.Contain("ExecStart=/opt/WeatherBot/WeatherBot"));
        string settings = await File.ReadAllTextAsync(Path.Combine(solution, "src", "WeatherBot", "appsettings.json"), cancellationToken);
        Assert.That(settings, Does.Contain("\"Port\": 15347").And.Contain("\"Hostname\": \"echo.localhost\""), "works against the test servers as it is");
    }
}
