using ComponentSdk.Hosting;
using Echo;

// `Echo --demo` runs it end to end against an embedded router; otherwise it connects where the configuration says.
if (args.Contains("--demo")) return await EchoDemo.RunAsync(args);
return await ComponentHost.RunAsync<EchoComponent>(args);
