using System.Globalization;
using ComponentSdk.Hosting;
using ComponentSdk.Hosting.WarmUp;
using ComponentSdk.Testing;
using ComponentSdk.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ComponentSdk.Tests.Hosting;

/// <summary><c>ComponentHost:WarmUpMessages</c>: traffic through the SDK's own code before the first connection.</summary>
[CancelAfter(60_000)]
public class WarmUpTests
{
    private static (IHost Host, RecordingLogger Log) Build(LoopbackRouter router, Dictionary<string, string?> settings, string[] sections, Action<IServiceCollection>? configure = null)
    {
        var log = new RecordingLogger { MinimumLevel = LogLevel.Information };
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        string port = router.Port.ToString(CultureInfo.InvariantCulture);
        foreach (string section in sections)
        {
            string domain = section.ToLowerInvariant() + ".localhost";
            router.AddComponent(domain, "secret");
            settings[$"{section}:Host"] = router.Host;
            settings[$"{section}:Port"] = port;
            settings[$"{section}:Hostname"] = domain;
            settings[$"{section}:Password"] = "secret";
        }
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddProvider(new RecordingProvider(log));
        foreach (string section in sections) builder.Services.AddXmppComponent<Component>(builder.Configuration, section);
        configure?.Invoke(builder.Services);
        return (builder.Build(), log);
    }

    private static string[] WarmUpLines(RecordingLogger log) => [.. log.Lines.Select(l => l.Text).Where(t => t.Contains("warm", StringComparison.OrdinalIgnoreCase))];

    [Test]
    public async Task ItRunsOnceBeforeTheFirstConnectionHoweverManyComponentsTheHostRuns()
    {
        await using LoopbackRouter router = await LoopbackRouter.StartAsync();
        (IHost host, RecordingLogger log) = Build(router, new() { ["ComponentHost:WarmUpMessages"] = "2000" }, ["Echo", "Other"]);
        using (host)
        {
            await host.StartAsync();
            try
            {
                await router.WaitForComponentAsync("echo.localhost", TimeSpan.FromSeconds(30));
                await router.WaitForComponentAsync("other.localhost", TimeSpan.FromSeconds(30));
                string[] lines = WarmUpLines(log);
                Assert.That(lines, Has.Length.EqualTo(1), log.All);
                Assert.That(lines[0], Does.Match(@"^Warmed up with 2000 stanzas in \d+ ms before connecting$"), "done, and logged before either component connected");
                Assert.That(router.ConnectedDomains, Does.Not.Contain("warm-up.localhost"), "the warm-up never touches the real server");
            }
            finally
            {
                await host.StopAsync();
            }
        }
    }

    [Test]
    public async Task ItIsOffByDefault()
    {
        await using LoopbackRouter router = await LoopbackRouter.StartAsync();
        (IHost host, RecordingLogger log) = Build(router, [], ["Echo"]);
        using (host)
        {
            await host.StartAsync();
            try
            {
                await router.WaitForComponentAsync("echo.localhost", TimeSpan.FromSeconds(30));
                Assert.That(WarmUpLines(log), Is.Empty, log.All);
            }
            finally
            {
                await host.StopAsync();
            }
        }
    }

    [Test]
    public async Task AWarmUpThatFailsIsLoggedAsAWarningAndTheComponentStillConnects()
    {
        await using LoopbackRouter router = await LoopbackRouter.StartAsync();
        (IHost host, RecordingLogger log) = Build(router, new() { ["ComponentHost:WarmUpMessages"] = "100000" }, ["Echo"],
            services => services.AddSingleton(sp => new StartupWarmUp(sp.GetRequiredService<IOptions<ComponentHostOptions>>(), sp.GetRequiredService<ILogger<StartupWarmUp>>())
            {
                Limit = TimeSpan.FromMilliseconds(50),
            }));
        using (host)
        {
            await host.StartAsync();
            try
            {
                await router.WaitForComponentAsync("echo.localhost", TimeSpan.FromSeconds(30));
                Assert.That(WarmUpLines(log), Has.Length.EqualTo(1), log.All);
                Assert.That(log.Lines.Single(l => l.Text == WarmUpLines(log)[0]).Level, Is.EqualTo(LogLevel.Warning), "visible at the default level");
                Assert.That(WarmUpLines(log)[0], Is.EqualTo("The warm-up did not complete (not done within 0.05 s); connecting without it. ComponentHost:WarmUpMessages=0 turns it off"));
                Assert.That(router.ConnectedDomains, Is.EqualTo(new[] { "echo.localhost" }), "only the component itself reached the server");
            }
            finally
            {
                await host.StopAsync();
            }
        }
    }

    [TestCase("-1")]
    [TestCase("1000001")]
    public void AnOutOfRangeCountFailsAtStartNamingTheKey(string value)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Component:Host"] = "127.0.0.1", ["Component:Port"] = "5347", ["Component:Hostname"] = "echo.localhost", ["Component:Password"] = "secret",
            ["ComponentHost:WarmUpMessages"] = value,
        });
        builder.Services.AddXmppComponent<Component>(builder.Configuration);
        using IHost host = builder.Build();
        Assert.That(StartupValidation.Failures(host.Services),
            Is.EqualTo(new[] { $"ComponentHost:WarmUpMessages must be between 0 and 1,000,000, not {value}." }));
    }

    [Test]
    public void TheWarmUpConnectionKeepsWhatChoosesTheCodePathAndNothingThatReachesOut()
    {
        var template = new ConnectionOptions
        {
            ConnectionType = ConnectionType.Client, Host = "xmpp.example.org", Port = 5222, Hostname = "example.org", Password = "user-password",
            Transport = TransportMode.Dedicated, RunHandlersOnEventLoop = true, Debug = true, Xmlns = "jabber:client",
        };
        template.Login.Username = "bot";
        template.Tls.Mode = TlsPolicy.Direct;
        template.Tls.CertificateValidation = (_, _, _) => true;
        template.Delivery.Acknowledged = true;
        template.Limits.MaxStanzaBytes = 4096;
        template.Reconnect.Enabled = true;

        ConnectionOptions warm = StartupWarmUp.OptionsFor(template, 4242, "warm-secret");

        Assert.Multiple(() =>
        {
            Assert.That((warm.ConnectionType, warm.Host, warm.Port, warm.Hostname, warm.Password), Is.EqualTo((ConnectionType.Accept, "127.0.0.1", 4242, "warm-up.localhost", "warm-secret")));
            Assert.That((warm.Transport, warm.RunHandlersOnEventLoop, warm.Delivery.Acknowledged, warm.Limits.MaxStanzaBytes), Is.EqualTo((TransportMode.Dedicated, true, (bool?)true, 4096)));
            Assert.That((warm.Tls.Mode, warm.Tls.CertificateValidation, warm.Login.Username, warm.Xmlns, warm.Debug, warm.Reconnect.Enabled), Is.EqualTo(((TlsPolicy?)null, (object?)null, (string?)null, (string?)null, false, (bool?)false)));
            Assert.That(template.Password, Is.EqualTo("user-password"), "the template is not changed");
            Assert.That(template.Reconnect.Enabled, Is.True);
            warm.Validate();
        });
    }

    private sealed class RecordingProvider(RecordingLogger logger) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => logger;

        public void Dispose() { }
    }
}
