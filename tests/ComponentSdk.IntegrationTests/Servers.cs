namespace ComponentSdk.IntegrationTests;

/// <summary>Starts Prosody and ejabberd once for the whole run and stops them at the end.</summary>
[SetUpFixture]
public sealed class Servers
{
    /// <summary>Prosody also listens for direct TLS (XEP-0368) on this port.</summary>
    public const int ProsodyDirectTlsPort = 25223;

    private static readonly Lazy<XmppServer> ProsodyServer = new(() =>
    {
        string extra = Path.Combine(Path.GetTempPath(), $"componentsdk-it-prosody-{Environment.ProcessId}.lua");
        File.WriteAllText(extra, $"c2s_direct_tls_ports = {{ {ProsodyDirectTlsPort} }}\n");
        return XmppServer.Start("prosody", 25222, 25347, new Dictionary<string, string> { ["PROSODY_EXTRA_CFG"] = extra });
    });
    private static readonly Lazy<XmppServer> EjabberdServer = new(() => XmppServer.Start("ejabberd", 26222, 26347));
    private static readonly Lazy<XmppServer> Jabberd2Server = new(() => XmppServer.Start("jabberd2", 27222, 27347));

    public static XmppServer Prosody => ProsodyServer.Value;

    public static XmppServer Ejabberd => EjabberdServer.Value;

    public static XmppServer Jabberd2 => Jabberd2Server.Value;

    /// <summary>A server by name, for parameterized tests.</summary>
    public static XmppServer Get(string name) => name switch
    {
        "prosody" => Prosody,
        "ejabberd" => Ejabberd,
        "jabberd2" => Jabberd2,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    /// <summary>The servers started so far in this run.</summary>
    public static IEnumerable<XmppServer> Started =>
        new[] { ProsodyServer, EjabberdServer, Jabberd2Server }.Where(s => s.IsValueCreated).Select(s => s.Value);

    /// <summary>Stops the servers; after a failed run their state and logs are kept.</summary>
    [OneTimeTearDown]
    public void StopAll()
    {
        bool failed = TestContext.CurrentContext.Result.FailCount > 0;
        foreach (XmppServer server in Started) server.Stop(keepLogs: failed);
    }
}
