using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
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
    /// </summary>
    public static IServiceCollection AddXmppComponent<TComponent>(this IServiceCollection services, IConfiguration configuration, string sectionName = ConnectionOptions.SectionName)
        where TComponent : Component
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ConnectionOptions>().Bind(configuration.GetSection(sectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ConnectionOptions>>(new ConnectionOptionsValidator(sectionName));
        services.TryAddSingleton<ComponentRegistry>();
        services.AddSingleton<ComponentHostedService<TComponent>>();
        services.AddHostedService(sp => sp.GetRequiredService<ComponentHostedService<TComponent>>());
        return services;
    }
}
