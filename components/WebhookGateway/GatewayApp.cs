using System.Security.Cryptography;
using System.Text.Json;
using System.Text;
using ComponentSdk;
using ComponentSdk.Hosting;
using ComponentSdk.Xml;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WebhookGateway;

/// <summary>The web application: <c>POST /messages</c> with a bearer token becomes an XMPP message.</summary>
public static class GatewayApp
{
    /// <summary>The largest accepted message body, in characters.</summary>
    public const int MaxBodyLength = 10_000;

    /// <summary>The largest accepted subject, in characters.</summary>
    public const int MaxSubjectLength = 256;

    /// <summary>The largest request read at all, in bytes: the longest body and subject, escaped, fit.</summary>
    public const int MaxRequestBytes = 128 * 1024;

    public static WebApplication Build(string[] args)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddOptions<GatewayOptions>().Bind(builder.Configuration.GetSection("Gateway"))
            .Validate(o => o.Token.Length >= 16, "Gateway:Token is required and must be at least 16 characters.").ValidateOnStart();
        builder.Services.AddXmppComponent<GatewayComponent>(builder.Configuration);
        builder.Services.AddProblemDetails();

        WebApplication app = builder.Build();
        app.MapPost("/messages", ForwardAsync);
        app.MapGet("/health", (ComponentRegistry registry) =>
            registry.Components.FirstOrDefault() is { IsReady: true } ? Results.Ok("ready") : Results.Problem("not connected", statusCode: 503));
        return app;
    }

    private static async Task<IResult> ForwardAsync(HttpRequest request, ComponentRegistry registry, IOptions<GatewayOptions> options,
        CancellationToken cancellationToken)
    {
        // The caller proves who it is before anything it sent is read.
        if (!Authorized(request, options.Value.Token)) return Results.Unauthorized();
        if (request.ContentLength > MaxRequestBytes) return Problem("body", $"The request is larger than {MaxRequestBytes} bytes.");
        WebhookRequest? message;
        try
        {
            using var limited = new LimitedStream(request.Body, MaxRequestBytes);
            message = await JsonSerializer.DeserializeAsync<WebhookRequest>(limited, JsonOptions, cancellationToken);
        }
        catch (JsonException)
        {
            return Problem("body", "The request is not the JSON object {\"to\", \"body\", \"subject\"}.");
        }
        catch (InvalidDataException)
        {
            return Problem("body", $"The request is larger than {MaxRequestBytes} bytes.");
        }
        if (message is null || string.IsNullOrWhiteSpace(message.Body)) return Problem("body", "A body is required.");
        if (message.Body.Length > MaxBodyLength) return Problem("body", $"At most {MaxBodyLength} characters.");
        if (message.Subject is { Length: > MaxSubjectLength }) return Problem("subject", $"At most {MaxSubjectLength} characters.");
        if (!Jid.TryParse(message.To, out Jid? to) || to.Local is null)
            return Problem("to", "A user's address is required: local@domain, optionally /resource.");
        if (registry.Components.OfType<GatewayComponent>().FirstOrDefault() is not { } gateway) return Results.Problem("The gateway is starting.", statusCode: 503);
        try
        {
            string id = await gateway.ForwardAsync(to, message.Body, message.Subject, cancellationToken);
            // Accepted: sent when connected, queued (and sent on reconnect) otherwise.
            return Results.Accepted(value: new { id, queued = !gateway.IsReady });
        }
        catch (InvalidXmlCharacterException)
        {
            return Problem("body", "The text contains characters XML cannot carry.");
        }
        catch (OutgoingQueueFullException)
        {
            return Results.Problem("Too many messages wait for the connection.", statusCode: 503);
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private static IResult Problem(string field, string error) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [error] });

    private static bool Authorized(HttpRequest request, string token)
    {
        string header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal)) return false;
        byte[] given = Encoding.UTF8.GetBytes(header["Bearer ".Length..]);
        return CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(token));
    }
}
