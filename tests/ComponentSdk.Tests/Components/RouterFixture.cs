using ComponentSdk.Testing;
using ComponentSdk.Tests.Support;
using ComponentSdk.Transport;
using Microsoft.Extensions.Logging;

namespace ComponentSdk.Tests.Components;

/// <summary>
/// A fresh loopback router per test, with echo.localhost/secret and echo2.localhost/secret2. Components connect with
/// the SDK's reader-thread channel where it exists, or, given <c>blockingReads: false</c>, with DotNetty's socket
/// channel, which is what they use where it does not.
/// </summary>
public abstract class RouterFixture(bool blockingReads = true)
{
    protected LoopbackRouter Router { get; private set; } = null!;

    [SetUp]
    public async Task StartRouter()
    {
        Connection.UseBlockingReads = blockingReads && BlockingSocketChannel.IsSupported;
        Router = await LoopbackRouter.StartAsync();
        Router.AddComponent("echo.localhost", "secret");
        Router.AddComponent("echo2.localhost", "secret2");
    }

    [TearDown]
    public async Task StopRouter()
    {
        Connection.UseBlockingReads = Connection.DefaultUseBlockingReads();
        await Router.DisposeAsync();
    }

    internal async Task<TestComponent> ConnectedAsync(string domain = "echo.localhost", Action<ConnectionOptions>? configure = null, ILogger? logger = null)
    {
        ConnectionOptions options = Router.OptionsFor(domain);
        configure?.Invoke(options);
        var component = new TestComponent(options, logger);
        await component.ConnectAsync();
        return component;
    }
}
