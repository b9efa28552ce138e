using System.Text.Json;
using System.Text.RegularExpressions;
using ComponentSdk.Tests.Packaging;

namespace ComponentSdk.Tests.Docs;

/// <summary>
/// The examples' appsettings.json (components/ and the template) point at what the project's test servers serve, so
/// that their READMEs' commands work verbatim against a server started with tests/servers.
/// </summary>
public partial class ExampleSettingsTests
{
    private static string Root => LocalPackages.RepositoryRoot;

    public static IEnumerable<string> SettingsFiles() =>
        Directory.EnumerateDirectories(Path.Combine(LocalPackages.RepositoryRoot, "components"))
            .Select(d => Path.Combine(d, "appsettings.json")).Where(File.Exists)
            .Append(Path.Combine(LocalPackages.RepositoryRoot, "src", "ComponentSdk.Templates", "content", "xmpp-component", "src", "MyComponent", "appsettings.json"))
            .Select(p => Path.GetRelativePath(LocalPackages.RepositoryRoot, p));

    [TestCaseSource(nameof(SettingsFiles))]
    public void PointsAtATestServer(string file)
    {
        using JsonDocument settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, file)));
        JsonElement component = settings.RootElement.GetProperty("Component");
        string type = component.TryGetProperty("ConnectionType", out JsonElement t) ? t.GetString()! : "Accept";
        int port = component.GetProperty("Port").GetInt32();
        string hostname = component.GetProperty("Hostname").GetString()!;
        Assert.That(component.GetProperty("Host").GetString(), Is.EqualTo("127.0.0.1"));

        switch (type)
        {
            case "Accept":
                Assert.That(port, Is.AnyOf(DefaultPort("prosody", "COMPONENT_PORT"), DefaultPort("ejabberd", "COMPONENT_PORT")), "a XEP-0114 port of the test servers");
                Assert.That(DeclaredComponents("prosody"), Does.Contain(hostname), "a component the test servers declare");
                Assert.That(DeclaredComponents("ejabberd"), Does.Contain(hostname), "a component the test servers declare");
                break;
            case "Client" or "Legacy":
                Assert.That(port, Is.AnyOf(DefaultPort("prosody", "C2S_PORT"), DefaultPort("ejabberd", "C2S_PORT"), DefaultPort("jabberd2", "JABBERD2_C2S_PORT")));
                Assert.That(hostname, Is.EqualTo("localhost"));
                Assert.That(component.GetProperty("Login").GetProperty("Username").GetString(), Is.AnyOf("alice", "bob"));
                break;
            case "Jabberd2":
                Assert.That(port, Is.EqualTo(DefaultPort("jabberd2", "JABBERD2_ROUTER_PORT")));
                Assert.That(component.GetProperty("Login").GetProperty("Username").GetString(), Is.EqualTo("component"));
                break;
            default:
                Assert.Fail($"unknown connection type {type}");
                break;
        }
    }

    /// <summary>The default of a port variable in a server's start script (<c>NAME=${NAME:-15347}</c>).</summary>
    private static int DefaultPort(string server, string variable)
    {
        string script = File.ReadAllText(Path.Combine(Root, "tests", "servers", server, "start"));
        Match match = Regex.Match(script, $@"{variable}:-(\d+)");
        Assert.That(match.Success, Is.True, $"{server}/start gives {variable} a default");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The components a server's start script declares by default (<c>components_of "a:s b:s ..."</c>).</summary>
    private static string[] DeclaredComponents(string server)
    {
        string script = File.ReadAllText(Path.Combine(Root, "tests", "servers", server, "start"));
        Match match = DeclaredPattern().Match(script);
        Assert.That(match.Success, Is.True, $"{server}/start declares its components with components_of");
        return [.. match.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(s => s.Contains(':')).Select(s => s.Split(':')[0])];
    }

    [GeneratedRegex(@"components_of ""([^""$]*)")]
    private static partial Regex DeclaredPattern();
}
