using ClientBot;
using ComponentSdk.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

return await ComponentHost.RunAsync<RosterBot>(args, builder =>
{
    builder.Services.Configure<BotOptions>(builder.Configuration.GetSection("Bot"));
    builder.Services.AddHostedService<StopWhenDone>();
});

/// <summary>With Bot:Once, stops the program once the bot has done its work.</summary>
internal sealed class StopWhenDone(ComponentRegistry registry, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (registry.Components.Count == 0) await Task.Delay(50, stoppingToken);
        if (registry.Components[0] is not RosterBot { Once: true } bot) return;
        await bot.Done.WaitAsync(stoppingToken);
        lifetime.StopApplication();
    }
}
