namespace WebhookGateway;

/// <summary>The <c>Gateway</c> configuration section.</summary>
public sealed class GatewayOptions
{
    /// <summary>The bearer token callers must present. Required; keep it in the environment or user secrets.</summary>
    public string Token { get; set; } = "";

    /// <summary>The local part messages come from: <c>Sender@Component:Hostname</c>. Default <c>hooks</c>.</summary>
    public string Sender { get; set; } = "hooks";
}
