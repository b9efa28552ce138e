using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace ComponentSdk.Hosting;

/// <summary>
/// Tells systemd (a <c>Type=notify</c> unit, through <c>NOTIFY_SOCKET</c>) when the process is ready: once every hosted
/// component has connected, not when the host has merely started, so that units ordered after this one start when the
/// component actually serves. STOPPING=1 is sent when the host begins to stop. Does nothing without
/// <c>NOTIFY_SOCKET</c>.
/// </summary>
internal sealed class SystemdNotifications(ISystemdNotifier notifier, IServiceProvider services, IHostApplicationLifetime lifetime)
    : IHostedService
{
    private CancellationTokenRegistration stopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!notifier.IsEnabled) return Task.CompletedTask;
        // The other hosted services, resolved now: taking them in the constructor would make this one depend on itself.
        IComponentService[] components = [.. services.GetServices<IHostedService>().OfType<IComponentService>()];
        stopping = lifetime.ApplicationStopping.Register(() => notifier.Notify(ServiceState.Stopping));
        _ = NotifyWhenReadyAsync(components, lifetime.ApplicationStopping);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        stopping.Dispose();
        return Task.CompletedTask;
    }

    private async Task NotifyWhenReadyAsync(IComponentService[] components, CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(components.Select(c => c.FirstReady)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // stopped before ready: systemd hears STOPPING instead
        }
        string count = components.Length.ToString(CultureInfo.InvariantCulture);
        notifier.Notify(new ServiceState($"READY=1\nSTATUS={count} component(s) connected"));
    }
}
