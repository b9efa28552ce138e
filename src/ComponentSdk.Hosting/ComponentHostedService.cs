using System.Diagnostics.CodeAnalysis;
using ComponentSdk.Hosting.WarmUp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ComponentSdk.Hosting;

/// <summary>
/// Connects the component when the host starts and ends its stream cleanly when the host stops. When the connection
/// cannot be made or is refused, it logs one line, sets the process exit code and stops the application. Its options are
/// the named options of its configuration section.
/// </summary>
internal sealed partial class ComponentHostedService<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TComponent>(
    IServiceProvider services, IOptionsMonitor<ConnectionOptions> monitor, ComponentRegistry registry, StartupWarmUp warmUp,
    IHostApplicationLifetime lifetime, ILogger<ComponentHostedService<TComponent>> logger, string sectionName)
    : BackgroundService, IComponentService where TComponent : Component
{
    private readonly TaskCompletionSource firstReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TComponent? component;

    /// <summary>Read when first needed: by then the host has validated them, with messages naming the keys.</summary>
    private ConnectionOptions Options => monitor.Get(sectionName);

    /// <summary>The component, once created.</summary>
    public TComponent? Component => component;

    public Task FirstReady => firstReady.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ConnectionOptions connection = Options.Clone();
        // A hosted component runs unattended: it comes back by itself, and what it sent is neither lost nor left
        // waiting in the queue, unless the configuration says otherwise.
        connection.Reconnect.Enabled ??= true;
        connection.Delivery.Acknowledged ??= true;
        connection.Delivery.PurgeQueueOnReady ??= true;
        connection.Delivery.DuplicateWindow ??= 10_000;
        component = ActivatorUtilities.CreateInstance<TComponent>(services, connection);
        registry.Add(component);
        // A lost connection that reconnecting cannot bring back (a refused login, no attempts left) ends the process:
        // a component that no longer serves must not look alive.
        component.StatusChanged += (_, status) =>
        {
            if (status.Status == ConnectionStatus.ReconnectFailed && status.Error is { } error) Fail(ExitCodeFor(error), error);
        };
        try
        {
            await warmUp.RunOnceAsync(connection, stoppingToken).ConfigureAwait(false);
            if (connection.Reconnect.Enabled == true) await component.ConnectWithRetryAsync(stoppingToken).ConfigureAwait(false);
            else await component.ConnectAsync(stoppingToken).ConfigureAwait(false);
            firstReady.TrySetResult();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is XmppException or TimeoutException)
        {
            Fail(ExitCodeFor(ex), ex);
        }
    }

    private static int ExitCodeFor(Exception error) =>
        error is XmppAuthenticationException ? ComponentExitCode.AuthenticationFailed : ComponentExitCode.ConnectionFailed;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (component is not null) await component.DisposeAsync().ConfigureAwait(false);
    }

    private void Fail(int exitCode, Exception error)
    {
        Environment.ExitCode = exitCode;
        registry.Failure ??= $"{Options.DisplayName}: {error.Message}";
        LogFailed(logger, Options.DisplayName, error.Message);
        lifetime.StopApplication();
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Critical, Message = "{Component} cannot run: {Reason}")]
    private static partial void LogFailed(ILogger logger, string component, string reason);
}
