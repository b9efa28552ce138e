using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ComponentSdk.Hosting;

/// <summary>
/// Runs the options validations registered with <c>ValidateOnStart</c> before the host starts, so that a process can
/// report bad configuration in one line and exit, instead of the host logging a stack trace.
/// </summary>
public static class StartupValidation
{
    /// <summary>Every validation failure, each naming its key; empty when the configuration is valid.</summary>
    public static IReadOnlyList<string> Failures(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
            return [];
        }
        catch (OptionsValidationException ex)
        {
            return [.. ex.Failures];
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OptionsValidationException))
        {
            return [.. ex.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures)];
        }
    }
}
