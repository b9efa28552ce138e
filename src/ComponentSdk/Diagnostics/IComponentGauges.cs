namespace ComponentSdk.Diagnostics;

/// <summary>The levels of one component that <see cref="ComponentTelemetry"/> reports as gauges.</summary>
internal interface IComponentGauges
{
    /// <summary>Stanzas waiting in the outgoing queue for the connection to be ready.</summary>
    int QueuedCount { get; }

    /// <summary>Requests waiting for their reply.</summary>
    int PendingCount { get; }

    /// <summary>Accepted stanzas not yet written to the socket.</summary>
    int OutboundBacklog { get; }

    /// <summary>Received stanzas waiting for the application's handlers.</summary>
    int InboundBacklog { get; }

    /// <summary>Stanzas sent and not yet confirmed (acknowledged delivery).</summary>
    int UnconfirmedCount { get; }
}
