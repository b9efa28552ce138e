// ComponentSdk build. Run with: dotnet tool restore && dotnet cake --target=<Target>
//   Test   installs the XMPP servers when missing (tests/servers/install), builds, runs every test
//   Demo   runs components/Echo end to end against the embedded router on loopback
//   Load   runs bench/ComponentSdk.LoadTest against bench/ThinEcho (the floor), components/Echo, and Echo as Native AOT
//          (W=1 and W=1000, median of 3 runs each)
//   Bench  runs Load, then the BenchmarkDotNet micro benchmarks
//   Pack   writes the NuGet packages to artifacts/packages
var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var solution = "./ComponentSdk.sln";
var artifacts = Directory("./artifacts");

Task("Clean").Does(() =>
{
    CleanDirectory(artifacts);
    DotNetClean(solution, new DotNetCleanSettings { Configuration = configuration });
});

Task("Restore").Does(() => DotNetRestore(solution));

Task("Build").IsDependentOn("Restore").Does(() =>
    DotNetBuild(solution, new DotNetBuildSettings { Configuration = configuration, NoRestore = true }));

Task("Servers").Does(() =>
{
    // apt-get only when a server is missing; a no-op taking about a second otherwise.
    var exit = StartProcess("bash", new ProcessSettings { Arguments = "tests/servers/install" });
    if (exit != 0) throw new Exception("tests/servers/install failed: the integration tests need Prosody, ejabberd and jabberd2 (see tests/servers/README.md).");
});

Task("Test").IsDependentOn("Servers").IsDependentOn("Build").Does(() =>
    DotNetTest(solution, new DotNetTestSettings
    {
        Configuration = configuration,
        NoRestore = true,
        NoBuild = true,
        // A hung test fails the run instead of eating the CI budget (DotNetty's event-loop shutdown can livelock).
        ArgumentCustomization = args => args.Append("--blame-hang-timeout 5m --blame-hang-dump-type none"),
    }));

// The Release build of Echo, started by the load tool itself (not `dotnet run`, whose host would be measured too),
// and the same Echo published as Native AOT. First, when gcc is there, the same load against bench/ThinEcho (C, no XML
// parser): the floor on this machine, so that Echo's figures can be read as ratios to it, measured minutes apart.
// Everything is built before anything is measured, and the build servers are stopped, so that no compiler is still
// busy on the two cores while a component is measured.
Task("Load").IsDependentOn("Build").Does(() =>
{
    var tool = $"./bench/ComponentSdk.LoadTest/bin/{configuration}/net10.0/ComponentSdk.LoadTest.dll";
    var thinEcho = $"./bench/ThinEcho/bin/thin-echo";
    EnsureDirectoryExists("./bench/ThinEcho/bin");
    bool built;
    try { built = StartProcess("gcc", new ProcessSettings { Arguments = $"-O2 -Wall -o {thinEcho} ./bench/ThinEcho/thin_echo.c" }) == 0; }
    catch (Exception) { built = false; } // no gcc on this machine
    var native = "./artifacts/echo-native";
    DotNetPublish("./components/Echo/Echo.csproj", new DotNetPublishSettings
    {
        Configuration = configuration,
        Runtime = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier,
        OutputDirectory = native,
        MSBuildSettings = new DotNetMSBuildSettings().WithProperty("PublishAot", "true"),
    });
    DotNetBuildServerShutdown();

    if (built)
    {
        Information("Thin C echo (the floor):");
        DotNetExecute(tool, new ProcessArgumentBuilder().Append("--launch").AppendQuoted(thinEcho).Append("--windows 1,1000 --runs 3"));
    }
    else
    {
        Warning("gcc not found: skipping the thin C echo baseline (apt-get install gcc).");
    }
    Information("components/Echo:");
    var echo = $"./components/Echo/bin/{configuration}/net10.0/Echo.dll";
    DotNetExecute(tool, new ProcessArgumentBuilder().Append("--launch").AppendQuoted(echo).Append("--windows 1,1000 --runs 3"));

    Information("components/Echo published as Native AOT:");
    DotNetExecute(tool, new ProcessArgumentBuilder().Append("--launch").AppendQuoted($"{native}/Echo").Append("--windows 1,1000 --runs 3"));
});

Task("Bench").IsDependentOn("Load").Does(() =>
    DotNetRun("./bench/ComponentSdk.Benchmarks/ComponentSdk.Benchmarks.csproj", new ProcessArgumentBuilder().Append("--filter *"),
        new DotNetRunSettings { Configuration = configuration, NoBuild = true, NoRestore = true }));

// Echo end to end. Default: against the embedded router (no server needed). --server=prosody|ejabberd: against a
// real server started from tests/servers on its usual ports (15347 / 16347), stopped afterwards.
// --server=ejabberd-cluster: a two-node ejabberd cluster (tests/servers/ejabberd-cluster), one Echo process per node,
// each driven from its own node at the same time.
var server = Argument("server", "");
Task("Demo").IsDependentOn("Build").Does(() =>
{
    var echo = "./components/Echo/Echo.csproj";
    var run = new DotNetRunSettings { Configuration = configuration, NoBuild = true, NoRestore = true };
    if (string.IsNullOrEmpty(server))
    {
        DotNetRun(echo, new ProcessArgumentBuilder().Append("--demo"), run);
        return;
    }
    if (server == "ejabberd-cluster")
    {
        ClusterDemo(echo);
        return;
    }
    var ports = new Dictionary<string, int> { ["prosody"] = 15347, ["ejabberd"] = 16347 };
    if (!ports.ContainsKey(server)) throw new Exception("--server must be prosody, ejabberd or ejabberd-cluster");
    StartProcess("bash", new ProcessSettings { Arguments = "tests/servers/install" });
    var stateDir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "componentsdk-demo-" + server);
    if (StartProcess("bash", new ProcessSettings { Arguments = $"tests/servers/{server}/start {stateDir}" }) != 0)
        throw new Exception($"could not start {server}; see the messages above");
    try
    {
        DotNetRun(echo, new ProcessArgumentBuilder().Append($"--demo --host 127.0.0.1 --port {ports[server]}"), run);
    }
    finally
    {
        StartProcess("bash", new ProcessSettings { Arguments = $"tests/servers/{server}/stop {stateDir} --rm" });
    }
});

// Two Echo demos at once, one against each node's component port (19347, 19357), each process with its own driver.
void ClusterDemo(string echo)
{
    StartProcess("bash", new ProcessSettings { Arguments = "tests/servers/install" });
    var stateDir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "componentsdk-demo-ejabberd-cluster");
    if (StartProcess("bash", new ProcessSettings { Arguments = $"tests/servers/ejabberd-cluster/start {stateDir}" }) != 0)
        throw new Exception("could not start the ejabberd cluster; see the messages above");
    try
    {
        var dll = $"./components/Echo/bin/{configuration}/net10.0/Echo.dll";
        var processes = new[] { 19347, 19357 }
            .Select(port => StartAndReturnProcess("dotnet", new ProcessSettings { Arguments = $"{dll} --demo --host 127.0.0.1 --port {port}" }))
            .ToList();
        foreach (var process in processes) process.WaitForExit();
        if (processes.Any(p => p.GetExitCode() != 0)) throw new Exception("an Echo demo failed on the cluster; see its output above");
    }
    finally
    {
        StartProcess("bash", new ProcessSettings { Arguments = $"tests/servers/ejabberd-cluster/stop {stateDir} --rm" });
    }
}

Task("Pack").IsDependentOn("Build").Does(() =>
    DotNetPack(solution, new DotNetPackSettings { Configuration = configuration, NoBuild = true, NoRestore = true, OutputDirectory = artifacts + Directory("packages") }));

RunTarget(target);
