using System.Xml.Linq;

namespace ComponentSdk;

/// <summary>One status event of a connection.</summary>
public sealed class ConnectionStatusEventArgs : EventArgs
{
    /// <summary>Creates the event.</summary>
    public ConnectionStatusEventArgs(ConnectionStatus status, XElement? stanza = null, Exception? error = null, string? detail = null)
    {
        Status = status;
        Stanza = stanza;
        Error = error;
        Detail = detail;
        Timestamp = DateTimeOffset.UtcNow;
    }

    /// <summary>What happened.</summary>
    public ConnectionStatus Status { get; }

    /// <summary>The element concerned (sent, received, queued, the request or reply), if any.</summary>
    public XElement? Stanza { get; }

    /// <summary>The error, for the failure statuses.</summary>
    public Exception? Error { get; }

    /// <summary>More information, for example the address being connected to.</summary>
    public string? Detail { get; }

    /// <summary>When it happened.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <inheritdoc />
    public override string ToString() =>
        Status.ToString() + (Detail is null ? "" : " " + Detail) + (Error is null ? "" : ": " + Error.Message);
}
