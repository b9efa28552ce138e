namespace ComponentSdk.IntegrationTests;

/// <summary>Starts Prosody and ejabberd once for the whole run and stops them at the end.</summary>
[SetUpFixture]
public sealed class Servers
{
    private static readonly Lazy<XmppServer> ProsodyServer = new(() => XmppServer.Start("prosody", 25222, 25347));
    private static readonly Lazy<XmppServer> EjabberdServer = new(() => XmppServer.Start("ejabberd", 26222, 26347));

    public static XmppServer Prosody => ProsodyServer.Value;

    public static XmppServer Ejabberd => EjabberdServer.Value;

    /// <summary>The servers that speak XEP-0114, by name, for parameterized tests.</summary>
    public static XmppServer Get(string name) => name switch
    {
        "prosody" => Prosody,
        "ejabberd" => Ejabberd,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    [OneTimeTearDown]
    public void StopAll()
    {
        if (ProsodyServer.IsValueCreated) ProsodyServer.Value.Stop();
        if (EjabberdServer.IsValueCreated) EjabberdServer.Value.Stop();
    }
}
