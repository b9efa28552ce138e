using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace ComponentSdk.Diagnostics;

/// <summary>
/// The SDK's metrics (<see cref="System.Diagnostics.Metrics"/>, meter <see cref="MeterName"/>) and traces
/// (<see cref="ActivitySource"/> <see cref="ActivitySourceName"/>). Every measurement carries the
/// <see cref="ConnectionTag"/> tag (the component's <c>Alias</c>, or its domain). Listen with
/// <c>dotnet-counters monitor --counters ComponentSdk -p PID</c>, or OpenTelemetry's <c>AddMeter("ComponentSdk")</c>
/// and <c>AddSource("ComponentSdk")</c>.
/// </summary>
public static class ComponentTelemetry
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string MeterName = "ComponentSdk";

    /// <summary>The name of the activity source (spans for connecting and for requests).</summary>
    public const string ActivitySourceName = "ComponentSdk";

    /// <summary>The tag naming the connection a measurement belongs to.</summary>
    public const string ConnectionTag = "componentsdk.connection";

    private static readonly string? Version = typeof(ComponentTelemetry).Assembly.GetName().Version?.ToString();
    private static readonly Meter Meter = new(MeterName, Version);
    private static readonly ConditionalWeakTable<IComponentGauges, string> Live = [];

    internal static readonly ActivitySource Source = new(ActivitySourceName, Version);

    internal static readonly Counter<long> StanzasReceived = Meter.CreateCounter<long>("componentsdk.stanzas.received", "{stanza}", "Top-level elements received after negotiation.");
    internal static readonly Counter<long> StanzasSent = Meter.CreateCounter<long>("componentsdk.stanzas.sent", "{stanza}", "Top-level elements written to the connection after negotiation.");
    internal static readonly Counter<long> BytesReceived = Meter.CreateCounter<long>("componentsdk.bytes.received", "By", "XML bytes received (after TLS).");
    internal static readonly Counter<long> BytesSent = Meter.CreateCounter<long>("componentsdk.bytes.sent", "By", "XML bytes sent (before TLS).");
    internal static readonly Counter<long> Reconnects = Meter.CreateCounter<long>("componentsdk.reconnects", "{attempt}", "Reconnection attempts scheduled after a lost connection.");
    internal static readonly Counter<long> AuthFailures = Meter.CreateCounter<long>("componentsdk.auth.failures", "{failure}", "Refused handshakes and logins.");
    internal static readonly Counter<long> StreamErrors = Meter.CreateCounter<long>("componentsdk.stream.errors", "{error}", "Stream errors received from the server or sent to it.");
    internal static readonly Counter<long> StanzasDropped = Meter.CreateCounter<long>("componentsdk.stanzas.dropped", "{stanza}", "Stanzas given up on after MaxDeliveryAttempts connections ended before the server confirmed them.");
    internal static readonly Counter<long> DeliveryFallbacks = Meter.CreateCounter<long>("componentsdk.delivery.fallbacks", "{connection}", "Connections whose server did not answer the delivery check, confirmed at the socket instead.");
    internal static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>("componentsdk.request.duration", "s", "Time from RequestAsync to its reply, timeout or failure.");

    static ComponentTelemetry()
    {
        Meter.CreateObservableGauge("componentsdk.queue.depth", () => Observe(c => c.QueuedCount), "{stanza}", "Stanzas waiting in the outgoing queue for the connection to be ready.");
        Meter.CreateObservableGauge("componentsdk.requests.pending", () => Observe(c => c.PendingCount), "{request}", "Requests waiting for their reply.");
        Meter.CreateObservableGauge("componentsdk.outbound.backlog", () => Observe(c => c.OutboundBacklog), "{stanza}", "Accepted stanzas not yet written to the socket.");
        Meter.CreateObservableGauge("componentsdk.inbound.backlog", () => Observe(c => c.InboundBacklog), "{stanza}", "Received stanzas waiting for the application's handlers.");
        Meter.CreateObservableGauge("componentsdk.unconfirmed", () => Observe(c => c.UnconfirmedCount), "{stanza}", "Stanzas sent and not yet confirmed (acknowledged delivery).");
    }

    /// <summary>The tag list of one connection (cached per component).</summary>
    internal static KeyValuePair<string, object?> Tag(string connection) => new(ConnectionTag, connection);

    internal static void Register(IComponentGauges gauges, string connection) => Live.AddOrUpdate(gauges, connection);

    internal static void Unregister(IComponentGauges gauges) => Live.Remove(gauges);

    private static IEnumerable<Measurement<int>> Observe(Func<IComponentGauges, int> value)
    {
        foreach ((IComponentGauges gauges, string connection) in Live)
        {
            yield return new Measurement<int>(value(gauges), Tag(connection));
        }
    }
}
