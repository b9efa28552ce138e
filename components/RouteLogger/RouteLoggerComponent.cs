using System.Collections.Concurrent;
using System.Xml.Linq;
using ComponentSdk;
using ComponentSdk.Xml;
using Microsoft.Extensions.Logging;

namespace RouteLogger;

/// <summary>
/// A jabberd2 log sink: bound with <c>BindOption=log</c>, it gets a copy of every packet the router routes and writes one
/// line per copy (sender, recipient, kind, type, id), never the content. It answers none of them, as a log sink must.
/// Counts per stanza kind are kept for whoever hosts it.
/// </summary>
public sealed partial class RouteLoggerComponent(ConnectionOptions options, ILogger<RouteLoggerComponent> logger) : Component(options, logger)
{
    /// <summary>How many copies of each stanza kind (<c>message</c>, <c>presence</c>, <c>iq</c>) were seen.</summary>
    public ConcurrentDictionary<string, long> Counts { get; } = new(StringComparer.Ordinal);

    /// <summary>Raised for each copy, after it was logged.</summary>
    public event Action<XElement, Jabberd2Route>? Copied;

    protected override ValueTask OnLogAsync(XElement stanza, Jabberd2Route route, CancellationToken cancellationToken)
    {
        string kind = stanza.Name.LocalName;
        Counts.AddOrUpdate(kind, 1, (_, n) => n + 1);
        LogRoute(Logger, route.From ?? "?", route.To ?? "?", kind, stanza.Type() ?? "-", stanza.Id() ?? "-");
        Copied?.Invoke(stanza, route);
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "route {From} -> {To}: {Kind} type={Type} id={Id}")]
    private static partial void LogRoute(ILogger logger, string from, string to, string kind, string type, string id);
}
