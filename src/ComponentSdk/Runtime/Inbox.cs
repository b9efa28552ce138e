using System.Xml.Linq;
using ComponentSdk.Diagnostics;
using ComponentSdk.Dispatch;
using ComponentSdk.Transport;
using ComponentSdk.Xml;

namespace ComponentSdk.Runtime;

/// <summary>
/// Everything received, and the order the application sees it in. On the event loop a reply completes its request
/// at once and a delivery check confirms what was sent before it; the rest goes through the dispatcher, one item at
/// a time: the filters, then the component's handlers, with the status events in between.
/// </summary>
internal sealed class Inbox(
    ComponentState state,
    Dispatcher dispatcher,
    PendingRequests pending,
    Outbox outbox,
    StatusReporter status,
    Func<CancellationToken, ValueTask> onReady,
    Func<XElement, CancellationToken, ValueTask> onStanza,
    Func<XElement, Jabberd2Route, CancellationToken, ValueTask> onLogCopy)
{
    private readonly FilterRegistry filters = new();
    private readonly IqRouter iqHandlers = new();
    private readonly DuplicateFilter? duplicates = state.Options.Delivery.DuplicateWindow is > 0 and int window ? new DuplicateFilter(window) : null;
    private readonly CheckRelay? relay = state.Options.ConnectionType == ConnectionType.Accept ? new CheckRelay() : null;

    /// <summary>Received stanzas waiting for the handlers.</summary>
    public int Backlog => dispatcher.Depth;

    /// <summary>The payload namespaces iq handlers are registered for, to advertise in disco#info.</summary>
    public IEnumerable<string> Features => iqHandlers.Namespaces;

    public void AddFilter(StanzaFilter filter) => filters.Add(filter);

    public int RemoveFilter(string name) => filters.Remove(name);

    public void HandleIq(string type, XName payload, Func<XElement, CancellationToken, ValueTask<XElement?>> handler) => iqHandlers.Register(type, payload, handler);

    /// <summary>On the event loop: a reply completes its request at once; everything else goes to the dispatcher.</summary>
    public void OnStanza(XElement stanza)
    {
        ComponentTelemetry.StanzasReceived.Add(1, state.TelemetryTag);
        Jid? self = state.Jid;
        if (outbox.TryConfirm(stanza, self)) return;
        if (relay is not null && relay.TryRelay(stanza, self, outbox.Relay)) return;
        if (pending.TryComplete(stanza, self, state.Options.Hostname))
        {
            if (state.RaiseElementEvents) status.Post(ConnectionStatus.RequestFinish, stanza);
            return;
        }
        if (duplicates is not null && stanza.OriginId() is { } originId && !duplicates.IsFirst(stanza.From(), originId))
        {
            Log.DuplicateDropped(state.Logger, state.DisplayName, stanza.Name.LocalName, originId);
            return;
        }
        if (!dispatcher.Post(DispatchItem.ForStanza(stanza)))
            Log.ReceivedAfterStop(state.Logger, state.DisplayName, stanza.Name.LocalName, stanza.From() ?? "(none)");
    }

    /// <summary>On the event loop: one of our stanzas came back undelivered; its request fails.</summary>
    public void OnBounced(XElement stanza, XmppException error)
    {
        ComponentTelemetry.StanzasReceived.Add(1, state.TelemetryTag);
        pending.TryFail(stanza, error);
    }

    /// <summary>On the event loop: a copy for a log sink goes to its handler in order with the rest, never to the others.</summary>
    public void OnLogCopy(XElement stanza, Jabberd2Route route)
    {
        ComponentTelemetry.StanzasReceived.Add(1, state.TelemetryTag);
        dispatcher.Post(DispatchItem.ForWork(() => onLogCopy(stanza, route, state.Stopping.Token)));
    }

    /// <summary>Queues the ready handler, in order with the stanzas and statuses.</summary>
    public void PostReady() => dispatcher.Post(DispatchItem.ForWork(() => onReady(state.Stopping.Token)));

    /// <summary>Runs one dispatched item: a status to raise, a stanza to handle, or other work.</summary>
    public ValueTask ProcessAsync(DispatchItem item)
    {
        if (item.Status is { } raised)
        {
            status.Raise(raised);
            return ValueTask.CompletedTask;
        }
        if (item.Stanza is { } stanza) return DispatchStanzaAsync(stanza);
        return RunAsync(item.Work!);
    }

    /// <summary>
    /// The default iq handling: the handler registered for the request's type and payload, or
    /// <c>service-unavailable</c> when there is none (RFC 6120 §8.4).
    /// </summary>
    public async ValueTask AnswerIqAsync(XElement iq, CancellationToken cancellationToken)
    {
        if (!iq.IsRequest()) return;
        Func<XElement, CancellationToken, ValueTask<XElement?>>? handler = iqHandlers.Find(iq);
        XElement? reply = handler is null ? iq.ErrorFor("service-unavailable") : await handler(iq, cancellationToken).ConfigureAwait(false);
        if (reply is not null) await outbox.SendAsync(reply, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes once the handlers are through everything received so far (at once when dispatching has stopped).</summary>
    public Task HandledSoFarAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!dispatcher.Post(DispatchItem.ForWork(() =>
            {
                done.TrySetResult();
                return ValueTask.CompletedTask;
            })))
            return Task.CompletedTask;
        return done.Task;
    }

    /// <summary>
    /// Stops taking work and lets what was received run to the end, for up to <paramref name="timeout"/>; then asks
    /// the handlers still running to give up. One that ignores that is left behind with a warning.
    /// </summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        dispatcher.Stop();
        if (!await CompletesWithinAsync(dispatcher.Completion, timeout).ConfigureAwait(false))
        {
            await state.Stopping.CancelAsync().ConfigureAwait(false);
            if (!await CompletesWithinAsync(dispatcher.Completion, HandlerGraceAfterCancel).ConfigureAwait(false))
                Log.HandlersStillRunning(state.Logger, state.DisplayName, dispatcher.Depth, timeout + HandlerGraceAfterCancel);
        }
        await state.Stopping.CancelAsync().ConfigureAwait(false);
    }

    private static readonly TimeSpan HandlerGraceAfterCancel = TimeSpan.FromSeconds(1);

    private static async Task<bool> CompletesWithinAsync(Task task, TimeSpan timeout)
    {
        await task.WaitAsync(timeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return task.IsCompleted;
    }

    private async ValueTask DispatchStanzaAsync(XElement stanza)
    {
        CancellationToken token = state.Stopping.Token;
        _ = new XDocument(stanza); // the stanza becomes the root: absolute XPath works
        try
        {
            List<(StanzaFilter Filter, FilterMatch Match)>? matches = filters.Evaluate(stanza);
            if (matches is not null)
            {
                foreach ((StanzaFilter filter, FilterMatch match) in matches)
                {
                    try
                    {
                        await filter.Handler(match, token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
                    {
                        Log.HandlerFailed(state.Logger, ex, state.DisplayName, $"filter '{filter.Name}' on {stanza.Name.LocalName}");
                    }
                }
            }
            if (state.RaiseElementEvents) status.Raise(new ConnectionStatusEventArgs(ConnectionStatus.NodeReceived, stanza));
            await onStanza(stanza, token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
        {
            Log.HandlerFailed(state.Logger, ex, state.DisplayName, stanza.Name.LocalName);
            if (stanza.IsRequest()) await TrySendAsync(stanza.ErrorFor("internal-server-error", "wait")).ConfigureAwait(false);
        }
    }

    private async ValueTask RunAsync(Func<ValueTask> work)
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !state.Stopping.IsCancellationRequested)
        {
            Log.HandlerFailed(state.Logger, ex, state.DisplayName, "ready");
        }
    }

    private async ValueTask TrySendAsync(XElement stanza)
    {
        try
        {
            state.ThrowIfSendsClosed();
            await outbox.SendAsync(stanza, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is XmppException or InvalidOperationException)
        {
            Log.WriteFailed(state.Logger, ex, state.DisplayName);
        }
    }
}
