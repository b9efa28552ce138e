using ComponentSdk.Hosting;
using WebhookGateway;

if (OptionsHelp.IsRequested(args))
{
    Console.Write(OptionsHelp.Build("WebhookGateway"));
    Console.WriteLine();
    Console.WriteLine("And of the Gateway section:");
    Console.WriteLine("  Gateway:Sender          hooks                  the local part messages come from");
    Console.WriteLine("  Gateway:Database        gateway.db             the SQLite file registrations are kept in");
    Console.WriteLine("  Gateway:PublicUrl       http://127.0.0.1:8080  the address users post to, as they reach it");
    Console.WriteLine("  Gateway:Administrators  (none)                 bare JIDs that may list registrations and broadcast");
    Console.WriteLine("  Urls                    http://127.0.0.1:8080  where to listen");
    return ComponentExitCode.Success;
}
await using var app = GatewayApp.Build(args);
if (StartupValidation.Failures(app.Services) is { Count: > 0 } failures)
{
    await Console.Error.WriteLineAsync("error: invalid options: " + string.Join(" ", failures));
    return ComponentExitCode.InvalidOptions;
}
await app.RunAsync();
return Environment.ExitCode;
