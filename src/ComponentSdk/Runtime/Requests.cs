using System.Diagnostics;
using System.Xml.Linq;
using ComponentSdk.Diagnostics;
using ComponentSdk.Dispatch;
using ComponentSdk.Xml;

namespace ComponentSdk.Runtime;

/// <summary>Request and reply (PCJ's <c>return_to_sender</c>): sends a request and waits for the reply the inbox matches to it.</summary>
internal sealed class Requests(ComponentState state, PendingRequests pending, Outbox outbox, StatusReporter status)
{
    public async Task<XElement> SendAsync(XElement request, TimeSpan wait, CancellationToken cancellationToken)
    {
        (string id, Task<XElement> reply) = pending.Register(request);
        using Activity? activity = ComponentTelemetry.Source.StartActivity("xmpp.request", ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag(ComponentTelemetry.ConnectionTag, state.DisplayName);
            activity.SetTag("xmpp.stanza", request.Name.LocalName);
            activity.SetTag("xmpp.id", id);
            activity.SetTag("xmpp.to", request.To());
        }
        long started = Stopwatch.GetTimestamp();
        try
        {
            if (state.RaiseElementEvents) status.Post(ConnectionStatus.RequestStart, request);
            cancellationToken.ThrowIfCancellationRequested();
            state.ThrowIfDisposed();
            await outbox.SendAsync(request, cancellationToken).ConfigureAwait(false);
            XElement answer = await reply.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
            activity?.SetTag("xmpp.type", answer.Type());
            if (answer.Type() == "error") activity?.SetStatus(ActivityStatusCode.Error, answer.ErrorCondition());
            return answer;
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            if (ex is TimeoutException and not RequestTimeoutException) throw new RequestTimeoutException(id, wait);
            throw;
        }
        finally
        {
            pending.Forget(id);
            ComponentTelemetry.RequestDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, state.TelemetryTag);
        }
    }
}
