using ComponentSdk.Diagnostics;
using ComponentSdk.Dispatch;

namespace ComponentSdk.Runtime;

/// <summary>What the telemetry's gauges read of one component.</summary>
internal sealed class ComponentGauges(Outbox outbox, Inbox inbox, PendingRequests pending) : IComponentGauges
{
    public int QueuedCount => outbox.QueuedCount;

    public int PendingCount => pending.Count;

    public int OutboundBacklog => outbox.OutboundBacklog;

    public int InboundBacklog => inbox.Backlog;

    public int UnconfirmedCount => outbox.UnconfirmedCount;
}
