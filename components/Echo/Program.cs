using ComponentSdk.Hosting;
using Echo;

// Socket completions run on .NET's socket thread instead of hopping to the thread pool first: DotNetty only hands them
// on to its event loop, so the hop is pure cost (about 20 µs per round trip here). Read once, when the first socket
// is made; it is process-wide, so a process whose other sockets run long continuations should leave it off.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");

// `Echo --demo` runs it end to end against an embedded router; otherwise it connects where the configuration says.
if (args.Contains("--demo")) return await EchoDemo.RunAsync(args);
return await ComponentHost.RunAsync<EchoComponent>(args);
