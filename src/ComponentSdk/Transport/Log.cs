using Microsoft.Extensions.Logging;

namespace ComponentSdk.Transport;

/// <summary>The SDK's log messages, with stable event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 100, Message = "{Connection} Sent: {Xml}")]
    public static partial void Sent(ILogger logger, LogLevel level, string connection, string xml);

    [LoggerMessage(EventId = 101, Message = "{Connection} Recd: {Xml}")]
    public static partial void Received(ILogger logger, LogLevel level, string connection, string xml);

    [LoggerMessage(EventId = 200, Level = LogLevel.Debug, Message = "{Connection} {Status}")]
    public static partial void Status(ILogger logger, string connection, ConnectionStatusEventArgs status);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "{Connection} ready as {Jid} (stream {StreamId})")]
    public static partial void Ready(ILogger logger, string connection, string jid, string? streamId);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "{Connection} connection lost: {Reason}")]
    public static partial void ConnectionLost(ILogger logger, string connection, string reason);

    [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "{Connection} the server sent bad input; answering with the stream error {Condition}: {Reason}")]
    public static partial void PeerViolation(ILogger logger, string connection, string condition, string reason);

    [LoggerMessage(EventId = 204, Level = LogLevel.Debug, Message = "{Connection} dropped a repeated {Stanza} with origin-id {Id} (already received)")]
    public static partial void DuplicateDropped(ILogger logger, string connection, string stanza, string id);

    [LoggerMessage(EventId = 205, Level = LogLevel.Warning, Message = "{Connection} disposed while handlers were still running after {Waited} ({Waiting} items not finished); they were cancelled and left behind")]
    public static partial void HandlersStillRunning(ILogger logger, string connection, int waiting, TimeSpan waited);

    [LoggerMessage(EventId = 206, Level = LogLevel.Warning, Message = "{Connection} disposed with {Count} stanzas still in the outgoing queue; they were not sent")]
    public static partial void UnsentOnDispose(ILogger logger, string connection, int count);

    [LoggerMessage(EventId = 207, Level = LogLevel.Warning, Message = "{Connection} connection attempt {Attempt} failed, trying again in {Delay}: {Reason}")]
    public static partial void AttemptFailed(ILogger logger, string connection, int attempt, string reason, string delay);

    [LoggerMessage(EventId = 208, Level = LogLevel.Error, Message = "{Connection} stopped reconnecting: {Reason}")]
    public static partial void ReconnectStopped(ILogger logger, string connection, string reason);

    [LoggerMessage(EventId = 209, Level = LogLevel.Warning, Message = "{Connection} {Reason}: the server does not route stanzas a component addresses to itself. Delivery on this connection is confirmed at the socket only (stanzas written before a loss are not sent again). To keep acknowledged delivery, let the server route them; to skip the check, set Component:Delivery:Acknowledged=false; to wait longer for it, raise Component:Delivery:CheckTimeout.")]
    public static partial void DeliveryChecksUnanswered(ILogger logger, string connection, string reason);

    [LoggerMessage(EventId = 209, Level = LogLevel.Debug, Message = "{Connection} {Reason}: delivery on this connection is confirmed at the socket only")]
    public static partial void DeliveryChecksUnansweredAgain(ILogger logger, string connection, string reason);

    [LoggerMessage(EventId = 210, Level = LogLevel.Warning, Message = "{Connection} dropped a {Stanza} (id {Id}) to {To} after {Attempts} attempts: {Reason}")]
    public static partial void StanzaDropped(ILogger logger, string connection, string stanza, string id, string to, int attempts, string reason);

    [LoggerMessage(EventId = 300, Level = LogLevel.Error, Message = "{Connection} a handler failed on a {Stanza} stanza")]
    public static partial void HandlerFailed(ILogger logger, Exception error, string connection, string stanza);

    [LoggerMessage(EventId = 301, Level = LogLevel.Error, Message = "{Connection} a status event handler failed for {Status}")]
    public static partial void StatusHandlerFailed(ILogger logger, Exception error, string connection, ConnectionStatus status);

    [LoggerMessage(EventId = 302, Level = LogLevel.Error, Message = "{Connection} a stanza could not be written")]
    public static partial void WriteFailed(ILogger logger, Exception error, string connection);

    [LoggerMessage(EventId = 303, Level = LogLevel.Warning, Message = "{Connection} unexpected error in the pipeline")]
    public static partial void PipelineError(ILogger logger, Exception error, string connection);

    [LoggerMessage(EventId = 230, Level = LogLevel.Debug, Message = "{Connection} found its server through DNS: {Targets}")]
    public static partial void TargetsFound(ILogger logger, string connection, string targets);

    [LoggerMessage(EventId = 231, Level = LogLevel.Debug, Message = "{Connection} could not connect to {Endpoint}: {Reason}; trying the next address")]
    public static partial void AddressFailed(ILogger logger, string connection, string endpoint, string reason);

    [LoggerMessage(EventId = 240, Level = LogLevel.Information, Message = "{Connection} resumed its session (stream management): {Arrived} of {Unacked} unacknowledged stanzas had reached the server, {Resent} are sent again")]
    public static partial void SessionResumed(ILogger logger, string connection, int arrived, int unacked, int resent);

    [LoggerMessage(EventId = 241, Level = LogLevel.Warning, Message = "{Connection} could not resume its session ({Reason}); logging in as a new session, and sending again the {Count} stanzas the server had not acknowledged")]
    public static partial void ResumeFailed(ILogger logger, string connection, string reason, int count);

    [LoggerMessage(EventId = 242, Level = LogLevel.Warning, Message = "{Connection} the server refused to enable stream management ({Reason}); the connection works without it, and a lost connection will not be resumed")]
    public static partial void StreamManagementRefused(ILogger logger, string connection, string reason);

    [LoggerMessage(EventId = 243, Level = LogLevel.Warning, Message = "{Connection} the server acknowledged {Claimed} stanzas when {Sent} were sent; taking everything as acknowledged")]
    public static partial void AckTooHigh(ILogger logger, string connection, uint claimed, uint sent);

    [LoggerMessage(EventId = 244, Level = LogLevel.Warning, Message = "{Connection} {Reason}: the server could not go on with the resumed session (Prosody 0.12 cannot after a connection cut in the middle of a stanza); connecting again with a new session, and sending again what the server had not acknowledged")]
    public static partial void ResumedStreamBroken(ILogger logger, string connection, string reason);

    [LoggerMessage(EventId = 245, Level = LogLevel.Information, Message = "{Connection} handing over {Count} stanzas the handlers sent during the shutdown, on a short connection (nothing may follow our closing tag on the old one)")]
    public static partial void HandingOver(ILogger logger, string connection, int count);

    [LoggerMessage(EventId = 246, Level = LogLevel.Warning, Message = "{Connection} could not hand over what the handlers sent during the shutdown: {Reason}")]
    public static partial void HandoverFailed(ILogger logger, string connection, string reason);

    [LoggerMessage(EventId = 247, Level = LogLevel.Warning, Message = "{Connection} {Count} stanzas sent during the shutdown were not handed over within {Timeout}; they wait in the outgoing queue (raise ShutdownTimeout to give handlers more time)")]
    public static partial void HandoverIncomplete(ILogger logger, string connection, int count, TimeSpan timeout);

    [LoggerMessage(EventId = 248, Level = LogLevel.Warning, Message = "{Connection} received a {Stanza} from {From} after the component stopped dispatching; it was not handled")]
    public static partial void ReceivedAfterStop(ILogger logger, string connection, string stanza, string from);
}
