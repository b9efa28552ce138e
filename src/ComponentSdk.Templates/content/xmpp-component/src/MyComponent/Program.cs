using ComponentSdk.Hosting;
using MyComponent;

// Reads the Component section from the command line, the environment and appsettings.json, connects, and ends the
// stream cleanly on Ctrl-C or SIGTERM. Exit codes: 0 stopped, 2 bad options, 3 refused, 4 could not connect.
return await ComponentHost.RunAsync<EchoComponent>(args);
