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
            Hostname = type == ConnectionType.Accept ? "echo.localhost" : "localhost", Username = "alice",
            ConnectionType = type, BindDomain = bindDomain, Alias = alias,
        };
        Assert.That(options.DisplayName, Is.EqualTo(expected));
    }
}
