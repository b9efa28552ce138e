using System.Xml.Linq;
using ComponentSdk.Diagnostics;
using ComponentSdk.Dispatch;
using ComponentSdk.Transport;

namespace ComponentSdk.Runtime;

/// <summary>
/// Reports the connection's steps: counted in the metrics, then raised in order with the handlers (through the
/// dispatcher), or at once once the dispatcher has stopped.
/// </summary>
internal sealed class StatusReporter(ComponentState state, Dispatcher dispatcher, Action<ConnectionStatusEventArgs> raise)
{
    public void Post(ConnectionStatus status, XElement? stanza = null, Exception? error = null, string? detail = null) =>
        Post(new ConnectionStatusEventArgs(status, stanza, error, detail));

    public void Post(ConnectionStatusEventArgs status)
    {
        switch (status.Status)
        {
            case ConnectionStatus.AuthFail:
                ComponentTelemetry.AuthFailures.Add(1, state.TelemetryTag);
                break;
            case ConnectionStatus.ReconnectScheduled:
                ComponentTelemetry.Reconnects.Add(1, state.TelemetryTag);
                break;
            case ConnectionStatus.StreamError or ConnectionStatus.StreamErrorSent:
                ComponentTelemetry.StreamErrors.Add(1, state.TelemetryTag);
                break;
        }
        if (!dispatcher.Post(DispatchItem.ForStatus(status))) Raise(status);
    }

    /// <summary>Logs the status and raises the component's event; a handler that throws is logged, not propagated.</summary>
    public void Raise(ConnectionStatusEventArgs status)
    {
        Log.Status(state.Logger, state.DisplayName, status);
        try
        {
            raise(status);
        }
        catch (Exception ex)
        {
            Log.StatusHandlerFailed(state.Logger, ex, state.DisplayName, status.Status);
        }
    }
}
