using System.Diagnostics.CodeAnalysis;
using ComponentSdk.Hosting.WarmUp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Options;

namespace ComponentSdk.Hosting;

/// <summary>Adds a component to an application that already has a host.</summary>
public static class ComponentServiceCollectionExtensions
{
    /// <summary>
    /// Runs <typeparamref name="TComponent"/> as a hosted service with <see cref="ConnectionOptions"/> bound from the
    /// configuration section <paramref name="sectionName"/> and validated when the host starts (the failures name
    /// the keys, for example <c>Component:Port must be between 1 and 65535</c>). The component is created with
    /// <see cref="ActivatorUtilities"/>: its constructor takes the options and anything else from the container.
    /// Call it once per component, each with its own section, to run several in one process (or twice with the same
    /// section for two connections of one domain where the server balances between them); the options are named
    /// options under the section's name (<c>IOptionsMonitor&lt;ConnectionOptions&gt;.Get("Component")</c>).
    /// Under systemd (<c>Type=notify</c>, <c>NOTIFY_SOCKET</c> set), READY=1 is sent once every component has connected
    /// and STOPPING=1 when the host stops. The process-wide <see cref="ComponentHostOptions"/> are bound from the
    /// section <c>ComponentHost</c>.
    /// </summary>
    public static IServiceCollection AddXmppComponent<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TComponent>(this IServiceCollection services, IConfiguration configuration, string sectionName = ConnectionOptions.SectionName)
        where TComponent : Component
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrEmpty(sectionName);
        services.AddOptions<ConnectionOptions>(sectionName).Bind(configuration.GetSection(sectionName)).ValidateOnStart();
        if (!services.Any(d => d.ImplementationInstance is ConnectionOptionsValidator v && v.SectionName == sectionName))
            services.AddSingleton<IValidateOptions<ConnectionOptions>>(new ConnectionOptionsValidator(sectionName));
        if (!services.Any(d => d.ServiceType == typeof(StartupWarmUp)))
        {
            services.AddOptions<ComponentHostOptions>().Bind(configuration.GetSection(ComponentHostOptions.SectionName)).ValidateOnStart();
            services.AddSingleton<IValidateOptions<ComponentHostOptions>, ComponentHostOptionsValidator>();
            services.AddSingleton<StartupWarmUp>();
        }
        services.TryAddSingleton<ComponentRegistry>();
        services.TryAddSingleton<ISystemdNotifier, SystemdNotifier>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SystemdNotifications>());
        services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<ComponentHostedService<TComponent>>(sp, sectionName));
        return services;
    }
}
