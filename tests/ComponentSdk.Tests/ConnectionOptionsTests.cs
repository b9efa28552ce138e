namespace ComponentSdk.Tests;

public class ConnectionOptionsTests
{
    [TestCase(ConnectionType.Accept, null, null, "echo.localhost")]
    [TestCase(ConnectionType.Client, null, null, "alice@localhost")]
    [TestCase(ConnectionType.Legacy, null, null, "alice@localhost")]
    [TestCase(ConnectionType.Jabberd2, null, null, "alice.localhost")]
    [TestCase(ConnectionType.Jabberd2, "a.localhost, b.localhost", null, "a.localhost,b.localhost")]
    [TestCase(ConnectionType.Client, null, "bot", "bot")]
    public void TheDisplayNameTellsConnectionsToOneServerApart(ConnectionType type, string? bindDomain, string? alias, string expected)
    {
        // Several clients or jabberd2 components of one process share the server's Hostname: their logs and
        // metrics must not.
        var options = new ConnectionOptions
        {
            Hostname = type == ConnectionType.Accept ? "echo.localhost" : "localhost", Login = { Username = "alice" },
            ConnectionType = type, Jabberd2 = { BindDomain = bindDomain }, Alias = alias,
        };
        Assert.That(options.DisplayName, Is.EqualTo(expected));
    }

    [TestCase(TlsPolicy.Required)]
    [TestCase(TlsPolicy.Optional)]
    public void StartTlsForAnAcceptComponentIsRefusedNamingTheKey(TlsPolicy tls)
    {
        var options = new ConnectionOptions { Host = "127.0.0.1", Port = 5347, Hostname = "echo.localhost", Password = "s", Tls = { Mode = tls } };
        Assert.That(options.GetFailures(), Has.One.StartsWith($"Tls:Mode {tls} needs STARTTLS, which XEP-0114 (ConnectionType Accept) does not have"));
        Assert.Throws<InvalidConnectionOptionsException>(() => options.Validate());
    }

    [TestCase(ConnectionType.Accept, TlsPolicy.Disabled)]
    [TestCase(ConnectionType.Client, TlsPolicy.Required)]
    [TestCase(ConnectionType.Legacy, TlsPolicy.Required)]
    [TestCase(ConnectionType.Jabberd2, TlsPolicy.Required)]
    public void TheTlsDefaultDependsOnTheConnectionType(ConnectionType type, TlsPolicy expected)
    {
        var options = new ConnectionOptions { Host = "127.0.0.1", Port = 5347, Hostname = "localhost", Login = { Username = "u" }, Password = "s", ConnectionType = type };
        Assert.That(options.TlsMode(), Is.EqualTo(expected));
        Assert.That(options.GetFailures(), Is.Empty);
        options.Tls.Mode = TlsPolicy.Direct;
        Assert.That(options.GetFailures(), Is.Empty, "direct TLS is possible for every type");
    }
}
