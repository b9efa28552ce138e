using ComponentSdk.Testing;
using ComponentSdk.Tests.Support;
using Microsoft.Extensions.Logging;

namespace ComponentSdk.Tests.Components;

/// <summary>A fresh loopback router per test, with echo.localhost/secret and echo2.localhost/secret2.</summary>
public abstract class RouterFixture
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
    public async Task StopRouter() => await Router.DisposeAsync();

    internal async Task<TestComponent> ConnectedAsync(string domain = "echo.localhost", Action<ConnectionOptions>? configure = null, ILogger? logger = null)
    {
        ConnectionOptions options = Router.OptionsFor(domain);
        configure?.Invoke(options);
        var component = new TestComponent(options, logger);
        await component.ConnectAsync();
        return component;
    }
}
