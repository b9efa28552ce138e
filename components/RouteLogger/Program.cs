using ComponentSdk.Hosting;
using RouteLogger;

// Connects to the jabberd2 router as a log sink (see appsettings.json) and logs one line per routed packet.
return await ComponentHost.RunAsync<RouteLoggerComponent>(args);
