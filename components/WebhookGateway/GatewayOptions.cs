namespace WebhookGateway;

/// <summary>The <c>Gateway</c> configuration section.</summary>
public sealed class GatewayOptions
{
    /// <summary>The local part messages come from: <c>Sender@Component:Hostname</c>. Default <c>hooks</c>.</summary>
    public string Sender { get; set; } = "hooks";

    /// <summary>The SQLite file registrations are kept in. Default <c>gateway.db</c> in the working directory.</summary>
    public string Database { get; set; } = "gateway.db";

    /// <summary>The address users post to, as they reach it (behind a proxy, the proxy's). Default <c>http://127.0.0.1:8080</c>.</summary>
    public string PublicUrl { get; set; } = "http://127.0.0.1:8080";

    /// <summary>Bare JIDs that may list registrations and broadcast a notice (ad-hoc commands).</summary>
    public List<string> Administrators { get; set; } = [];
}
