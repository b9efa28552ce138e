using ComponentSdk.Hosting;
using ComponentSdk.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ComponentSdk.Tests.Hosting;

public class ConfigurationTests
{
    private static ConnectionOptions Bind(string[] args, Dictionary<string, string?>? extra = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, DisableDefaults = true });
        if (extra is not null) builder.Configuration.AddInMemoryCollection(extra);
        builder.Configuration.AddCommandLine(args);
        builder.Services.AddXmppComponent<Component>(builder.Configuration);
        using IHost host = builder.Build();
        return host.Services.GetRequiredService<IOptionsMonitor<ConnectionOptions>>().Get(ConnectionOptions.SectionName);
    }

    [Test]
    public void TheComponentSectionBindsFromTheCommandLineWithPcjNames()
    {
        ConnectionOptions options = Bind([
            "--Component:Host=127.0.0.1", "--Component:Port=5347", "--Component:Hostname=echo.localhost",
            "--Component:Password=secret", "--Component:ConnectionType=JABBERD14_COMPONENT", "--component:requesttimeout=00:00:05",
        ]);
        Assert.Multiple(() =>
        {
            Assert.That(options.Host, Is.EqualTo("127.0.0.1"));
            Assert.That(options.Port, Is.EqualTo(5347));
            Assert.That(options.Hostname, Is.EqualTo("echo.localhost"));
            Assert.That(options.Password, Is.EqualTo("secret"));
            Assert.That(options.ConnectionType, Is.EqualTo(ConnectionType.Accept));
            Assert.That(options.RequestTimeout, Is.EqualTo(TimeSpan.FromSeconds(5)), "names are case-insensitive");
        });
    }

    [Test]
    public void EnvironmentStyleKeysBindToo()
    {
        // Component__Port in the environment becomes Component:Port in configuration.
        ConnectionOptions options = Bind([], new Dictionary<string, string?>
        {
            ["Component:Host"] = "xmpp.example.org", ["Component:Port"] = "5275", ["Component:Hostname"] = "svc.example.org",
            ["Component:Password"] = "s", ["Component:ConnectionType"] = "accept",
        });
        Assert.That(options.Port, Is.EqualTo(5275));
        Assert.That(options.Host, Is.EqualTo("xmpp.example.org"));
    }

    [Test]
    public async Task InvalidOptionsFailAtStartNamingTheKeys()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = ["--Component:Port=99999"] });
        builder.Configuration.AddCommandLine(["--Component:Port=99999"]);
        builder.Services.AddXmppComponent<Component>(builder.Configuration);
        using IHost host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.That(error!.Failures, Has.Some.EqualTo("Component:Port must be between 1 and 65535, not 99999."));
        Assert.That(error.Failures, Has.Some.StartsWith("Component:Host is required"));
    }

    [TestCase(null, true)]
    [TestCase("false", false)]
    public async Task AHostedComponentReconnectsConfirmsAndPurgesByDefault(string? configured, bool expected)
    {
        await using LoopbackRouter router = await LoopbackRouter.StartAsync();
        router.AddComponent("echo.localhost", "secret");
        var settings = new Dictionary<string, string?>
        {
            ["Component:Host"] = router.Host, ["Component:Port"] = router.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Component:Hostname"] = "echo.localhost", ["Component:Password"] = "secret", ["Component:ConnectionType"] = "Accept",
        };
        if (configured is not null)
        {
            settings["Component:Reconnect:Enabled"] = configured;
            settings["Component:Delivery:Acknowledged"] = configured;
            settings["Component:Delivery:PurgeQueueOnReady"] = configured;
            settings["Component:Delivery:DuplicateWindow"] = "0";
        }
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddXmppComponent<Component>(builder.Configuration);
        using IHost host = builder.Build();
        await host.StartAsync();
        try
        {
            await router.WaitForComponentAsync("echo.localhost", TimeSpan.FromSeconds(10));
            ConnectionOptions used = host.Services.GetRequiredService<ComponentRegistry>().Components.Single().Options;
            Assert.That(used.Reconnect.Enabled, Is.EqualTo(expected));
            Assert.That(used.Delivery.Acknowledged, Is.EqualTo(expected));
            Assert.That(used.Delivery.PurgeQueueOnReady, Is.EqualTo(expected));
            Assert.That(used.Delivery.DuplicateWindow, Is.EqualTo(expected ? 10_000 : 0));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Test]
    public async Task SeveralComponentsRunInOneHostEachFromItsOwnSection()
    {
        await using LoopbackRouter router = await LoopbackRouter.StartAsync();
        router.AddComponent("echo.localhost", "secret");
        router.AddComponent("echo2.localhost", "secret2");
        string port = router.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Echo:Host"] = router.Host, ["Echo:Port"] = port, ["Echo:Hostname"] = "echo.localhost", ["Echo:Password"] = "secret",
            ["Other:Host"] = router.Host, ["Other:Port"] = port, ["Other:Hostname"] = "echo2.localhost", ["Other:Password"] = "secret2",
        });
        builder.Services.AddXmppComponent<Component>(builder.Configuration, "Echo");
        builder.Services.AddXmppComponent<Component>(builder.Configuration, "Other");
        using IHost host = builder.Build();
        await host.StartAsync();
        try
        {
            await router.WaitForComponentAsync("echo.localhost", TimeSpan.FromSeconds(10));
            await router.WaitForComponentAsync("echo2.localhost", TimeSpan.FromSeconds(10));
            IReadOnlyList<Component> components = host.Services.GetRequiredService<ComponentRegistry>().Components;
            Assert.That(components.Select(c => c.Options.Hostname).Order(), Is.EqualTo(new[] { "echo.localhost", "echo2.localhost" }));
            await ComponentSdk.Tests.Support.TestComponent.Until(() => components.All(c => c.IsReady), null, "each ready on its own connection");
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Test]
    public async Task OneBadSectionIsReportedUnderItsOwnName()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Echo:Host"] = "127.0.0.1", ["Echo:Port"] = "5347", ["Echo:Hostname"] = "echo.localhost", ["Echo:Password"] = "secret",
            ["Other:Host"] = "127.0.0.1", ["Other:Port"] = "99999", ["Other:Hostname"] = "echo2.localhost", ["Other:Password"] = "secret2",
        });
        builder.Services.AddXmppComponent<Component>(builder.Configuration, "Echo");
        builder.Services.AddXmppComponent<Component>(builder.Configuration, "Other");
        using IHost host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.That(error!.Failures, Is.EqualTo(new[] { "Other:Port must be between 1 and 65535, not 99999." }));
    }
}
