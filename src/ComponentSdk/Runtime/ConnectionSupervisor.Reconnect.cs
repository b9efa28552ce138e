using System.Globalization;
using System.Net;
using ComponentSdk.Transport;

namespace ComponentSdk.Runtime;

/// <summary>Retrying a connect with backoff, following <c>see-other-host</c>, and reconnecting after a loss.</summary>
internal sealed partial class ConnectionSupervisor
{
    private CancellationTokenSource? reconnecting;

    /// <summary>
    /// Connects, retrying transient failures with the backoff of <see cref="ConnectionOptions.Reconnect"/> and
    /// following <c>see-other-host</c>; throws at once on a permanent failure, or when the attempts run out.
    /// </summary>
    public async Task ConnectWithRetryAsync(CancellationToken cancellationToken)
    {
        string? redirect = null;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                if (redirect is null)
                {
                    await ConnectAsync(null, null, fromRetry: true, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    (string otherHost, int otherPort) = ParseOtherHost(redirect, port);
                    redirect = null;
                    await ConnectAsync(otherHost, otherPort, fromRetry: true, cancellationToken).ConfigureAwait(false);
                }
                return;
            }
            catch (Exception ex) when (ex is not (OperationCanceledException or ObjectDisposedException) && !ConnectionFailures.IsPermanent(ex))
            {
                int limit = Options.Reconnect.MaxAttempts;
                if (limit > 0 && attempt >= limit)
                {
                    throw new ConnectionFailedException(host, port, ex, attempt);
                }
                redirect = (ex as StreamErrorException)?.OtherHost;
                TimeSpan delay = redirect is null ? Options.Reconnect.DelayFor(attempt + 1) : TimeSpan.Zero;
                // Visible at the default level: a component that cannot connect must say why, and what it does next.
                Log.AttemptFailed(state.Logger, state.DisplayName, attempt, ex.Message, Describe(delay));
                await WaitBeforeAttemptAsync(attempt + 1, delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Starts reconnecting in the background after a ready connection was lost (when enabled).</summary>
    private void StartReconnecting(Exception cause, bool transient = false)
    {
        if (Options.Reconnect.Enabled != true || state.IsDisposed) return;
        if (!transient && ConnectionFailures.IsPermanent(cause))
        {
            // The server ended a live session for a reason another attempt cannot fix (host-unknown, not-authorized...).
            Log.ReconnectStopped(state.Logger, state.DisplayName, cause.Message);
            status.Post(ConnectionStatus.ReconnectFailed, error: cause);
            return;
        }
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(state.Stopping.Token);
        Interlocked.Exchange(ref reconnecting, cancel)?.Cancel();
        _ = Task.Run(async () =>
        {
            try
            {
                // A redirect is followed at once; otherwise the first attempt waits too, so a server that is going
                // down is not hammered.
                if (cause is StreamErrorException { OtherHost: { } other })
                {
                    (string otherHost, int otherPort) = ParseOtherHost(other, port);
                    lock (state.Gate)
                    {
                        host = otherHost;
                        port = otherPort;
                    }
                    status.Post(ConnectionStatus.ReconnectScheduled, detail: $"following see-other-host to {otherHost}:{otherPort}");
                }
                else
                {
                    await WaitBeforeAttemptAsync(1, Options.Reconnect.DelayFor(1), cancel.Token).ConfigureAwait(false);
                }
                await ConnectWithRetryAsync(cancel.Token).ConfigureAwait(false);
            }
            catch (Exception) when (cancel.IsCancellationRequested || state.IsDisposed)
            {
                // The application stopped it (disposed, or connected itself).
            }
            catch (Exception ex)
            {
                Log.ReconnectStopped(state.Logger, state.DisplayName, ex.Message);
                status.Post(ConnectionStatus.ReconnectFailed, error: ex);
            }
        });
    }

    /// <summary>The application takes over: a reconnect under way gives up.</summary>
    public void StopReconnecting() => Interlocked.Exchange(ref reconnecting, null)?.Cancel();

    private async Task WaitBeforeAttemptAsync(int attempt, TimeSpan delay, CancellationToken cancellationToken)
    {
        status.Post(ConnectionStatus.ReconnectScheduled,
            detail: $"attempt {attempt.ToString(CultureInfo.InvariantCulture)} in {delay.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms");
        await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
    }

    private static string Describe(TimeSpan delay) => delay < TimeSpan.FromSeconds(1)
        ? delay.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms"
        : delay.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    /// <summary>The other host of <c>see-other-host</c>: <c>host</c>, <c>host:port</c>, <c>[v6]:port</c> (RFC 6120 §4.9.3.19).</summary>
    internal static (string Host, int Port) ParseOtherHost(string value, int defaultPort)
    {
        value = value.Trim();
        if (value.StartsWith('[') && value.IndexOf(']') is int close and > 0)
        {
            string address = value[1..close];
            return value.Length > close + 2 && value[close + 1] == ':' && int.TryParse(value[(close + 2)..], NumberStyles.None, CultureInfo.InvariantCulture, out int p6)
                ? (address, p6) : (address, defaultPort);
        }
        if (IPAddress.TryParse(value, out _)) return (value, defaultPort);
        int colon = value.LastIndexOf(':');
        return colon > 0 && int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int p)
            ? (value[..colon], p) : (value, defaultPort);
    }
}
