using System.Text.Json;
using ComponentSdk;
using ComponentSdk.Hosting;
using ComponentSdk.Xml;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WebhookGateway;

/// <summary>
/// The web application: <c>POST /hooks/{id}</c> with that registration's bearer token becomes an XMPP message to the
/// user who registered it, and to nobody else.
/// </summary>
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
            .Validate(o => Uri.TryCreate(o.PublicUrl, UriKind.Absolute, out _), "Gateway:PublicUrl must be an absolute URL (where users post to).")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Database), "Gateway:Database must name the SQLite file registrations are kept in.")
            .ValidateOnStart();
        builder.Services.AddSingleton(services => new RegistrationStore(services.GetRequiredService<IOptions<GatewayOptions>>().Value.Database));
        builder.Services.AddXmppComponent<GatewayComponent>(builder.Configuration);
        builder.Services.AddProblemDetails();

        WebApplication app = builder.Build();
        app.MapPost("/hooks/{id}", ForwardAsync);
        app.MapGet("/health", (ComponentRegistry registry) =>
            registry.Components.FirstOrDefault() is { IsReady: true } ? Results.Ok("ready") : Results.Problem("not connected", statusCode: 503));
        return app;
    }

    private static async Task<IResult> ForwardAsync(string id, HttpRequest request, ComponentRegistry registry, RegistrationStore store,
        CancellationToken cancellationToken)
    {
        // The caller proves which registration it posts for before anything it sent is read; an unknown id and a wrong
        // token are the same answer.
        if (BearerToken(request) is not { } token || await store.AuthorizeAsync(id, token, cancellationToken) is not { } registration)
            return Results.Unauthorized();
        if (request.ContentLength > MaxRequestBytes) return Problem("body", $"The request is larger than {MaxRequestBytes} bytes.");
        WebhookRequest? message;
        try
        {
            using var limited = new LimitedStream(request.Body, MaxRequestBytes);
            message = await JsonSerializer.DeserializeAsync<WebhookRequest>(limited, JsonOptions, cancellationToken);
        }
        catch (JsonException)
        {
            return Problem("body", "The request is not the JSON object {\"body\", \"subject\"}.");
        }
        catch (InvalidDataException)
        {
            return Problem("body", $"The request is larger than {MaxRequestBytes} bytes.");
        }
        if (message is null || string.IsNullOrWhiteSpace(message.Body)) return Problem("body", "A body is required.");
        if (message.Body.Length > MaxBodyLength) return Problem("body", $"At most {MaxBodyLength} characters.");
        if (message.Subject is { Length: > MaxSubjectLength }) return Problem("subject", $"At most {MaxSubjectLength} characters.");
        if (registry.Components.OfType<GatewayComponent>().FirstOrDefault() is not { } gateway) return Results.Problem("The gateway is starting.", statusCode: 503);
        try
        {
            string messageId = await gateway.ForwardAsync(registration.Jid, message.Body, message.Subject, cancellationToken);
            // Accepted: sent when connected, queued (and sent on reconnect) otherwise.
            return Results.Accepted(value: new { id = messageId, queued = !gateway.IsReady });
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

    private static string? BearerToken(HttpRequest request)
    {
        string header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal) && header.Length > "Bearer ".Length ? header["Bearer ".Length..] : null;
    }
}
