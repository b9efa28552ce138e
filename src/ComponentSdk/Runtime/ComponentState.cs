using ComponentSdk.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ComponentSdk.Runtime;

/// <summary>
/// What the parts of one component share: its options and name, where it logs, and the state of its connection.
/// The connection's state is read and written under <see cref="Gate"/>, which orders sends, confirmations and the
/// connection's transitions against each other.
/// </summary>
internal sealed class ComponentState(object owner, ConnectionOptions options, ILogger logger)
{
    private Jid? jid;
    private int disposed;
    private int sendsClosed;

    public ConnectionOptions Options { get; } = options;

    /// <summary>Computed once: it names every log line and metric.</summary>
    public string DisplayName { get; } = options.DisplayName;

    public ILogger Logger { get; } = logger;

    public KeyValuePair<string, object?> TelemetryTag { get; } = ComponentTelemetry.Tag(options.DisplayName);

    public object Gate { get; } = new();

    /// <summary>Cancelled when the component is disposed; handlers receive it.</summary>
    public CancellationTokenSource Stopping { get; } = new();

    /// <summary>Raise the per-element statuses too (see <see cref="Component.RaiseElementEvents"/>).</summary>
    public bool RaiseElementEvents { get; set; }

    /// <summary>The current connection attempt, or null. Under the gate.</summary>
    public Session? Session { get; set; }

    /// <summary>True while stanzas flow. Under the gate.</summary>
    public bool Ready { get; set; }

    /// <summary>Our address since the first ready; also read without the gate, by the inbound path.</summary>
    public Jid? Jid
    {
        get => Volatile.Read(ref jid);
        set => Volatile.Write(ref jid, value);
    }

    /// <summary>The server's id of the current stream. Under the gate.</summary>
    public string? StreamId { get; set; }

    public bool IsDisposed => Volatile.Read(ref disposed) != 0;

    /// <summary>True the first time only.</summary>
    public bool MarkDisposed() => Interlocked.Exchange(ref disposed, 1) == 0;

    public void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, owner);

    /// <summary>
    /// The end of disposal: sends are refused from now on. Until then the handlers finishing their work during the
    /// shutdown may still send (what they send is handed over, or counted as unsent).
    /// </summary>
    public void CloseSends() => Volatile.Write(ref sendsClosed, 1);

    public void ThrowIfSendsClosed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref sendsClosed) != 0, owner);
}
