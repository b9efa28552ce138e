using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging.Console;

namespace ComponentSdk.Hosting;

/// <summary>Runs a component as a process: <c>return await ComponentHost.RunAsync&lt;MyComponent&gt;(args);</c></summary>
public static class ComponentHost
{
    /// <summary>
    /// Builds a .NET Generic Host that reads <see cref="ConnectionOptions"/> from the <c>Component</c> section of the
    /// command line (<c>--Component:Host=...</c>), the environment (<c>Component__Host=...</c>) and appsettings.json
    /// beside the program, logs to the console, connects the component, and on Ctrl-C or SIGTERM ends its stream
    /// with <c>&lt;/stream:stream&gt;</c>. Returns the process exit code (<see cref="ComponentExitCode"/>); on bad
    /// options or a refused login it writes a one-line reason to standard error. <c>--help</c> lists every key with its
    /// default and exits. As a systemd service (<c>Type=notify</c>) it sends READY=1 once the component is connected and
    /// STOPPING=1 when it stops, and logs in the journal's format.
    /// </summary>
    public static async Task<int> RunAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TComponent>(string[] args, Action<HostApplicationBuilder>? configure = null)
        where TComponent : Component
    {
        ArgumentNullException.ThrowIfNull(args);
        if (OptionsHelp.IsRequested(args))
        {
            await Console.Out.WriteAsync(OptionsHelp.Build(System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? typeof(TComponent).Assembly.GetName().Name ?? "component")).ConfigureAwait(false);
            return ComponentExitCode.Success;
        }
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Under systemd the journal records time and level itself: log lines in its format (<6>message), unless the
        // configuration names a formatter.
        if ((SystemdHelpers.IsSystemdService() || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("JOURNAL_STREAM")))
            && string.IsNullOrEmpty(builder.Configuration["Logging:Console:FormatterName"]))
        {
            builder.Services.Configure<ConsoleLoggerOptions>(o => o.FormatterName = ConsoleFormatterNames.Systemd);
        }
        builder.Services.AddXmppComponent<TComponent>(builder.Configuration);
        configure?.Invoke(builder);

        using IHost host = builder.Build();
        ComponentRegistry registry = host.Services.GetRequiredService<ComponentRegistry>();
        if (StartupValidation.Failures(host.Services) is { Count: > 0 } failures)
        {
            await Console.Error.WriteLineAsync("error: invalid options: " + string.Join(" ", failures)).ConfigureAwait(false);
            return ComponentExitCode.InvalidOptions;
        }
        await host.RunAsync().ConfigureAwait(false);
        if (registry.Failure is { } failure)
        {
            await Console.Error.WriteLineAsync("error: " + failure).ConfigureAwait(false);
        }
        return Environment.ExitCode;
    }
}
