using ComponentSdk.Hosting;
using WebhookGateway;

if (OptionsHelp.IsRequested(args))
{
    Console.Write(OptionsHelp.Build("WebhookGateway"));
    Console.WriteLine();
    Console.WriteLine("And of the Gateway section:");
    Console.WriteLine("  Gateway:Token    (secret)               the bearer token callers present, at least 16 characters");
    Console.WriteLine("  Gateway:Sender   hooks                  the local part messages come from");
    Console.WriteLine("  Urls             http://127.0.0.1:8080  where to listen");
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
