using ComponentSdk.Testing;
using ComponentSdk.Tests.Support;
using Microsoft.Extensions.Logging;

namespace ComponentSdk.Tests.Components;

/// <summary>
/// A fresh loopback router per test, with echo.localhost/secret and echo2.localhost/secret2. Components made from
/// <see cref="Options"/> (and by <see cref="ConnectedAsync"/>) use <paramref name="transport"/>: the default
/// transport unless a fixture runs its tests on both.
/// </summary>
public abstract class RouterFixture(TransportMode transport = TransportMode.Shared)
{
    protected LoopbackRouter Router { get; private set; } = null!;

    [SetUp]
    public async Task StartRouter()
    {
        Router = await LoopbackRouter.StartAsync();
        Router.AddComponent("echo.localhost", "secret");
        Router.AddComponent("echo2.localhost", "secret2");
    }

    [TearDown]
    public async Task StopRouter()
    {
        await Router.DisposeAsync();
    }

    /// <summary>Options for a component of <paramref name="domain"/> on this fixture's transport.</summary>
    protected ConnectionOptions Options(string domain = "echo.localhost")
    {
        ConnectionOptions options = Router.OptionsFor(domain);
        options.Transport = transport;
        return options;
    }

    internal async Task<TestComponent> ConnectedAsync(string domain = "echo.localhost", Action<ConnectionOptions>? configure = null, ILogger? logger = null)
    {
        ConnectionOptions options = Options(domain);
        configure?.Invoke(options);
        var component = new TestComponent(options, logger);
        await component.ConnectAsync();
        return component;
    }
}
