using ComponentSdk.Xml;

namespace ComponentSdk;

/// <summary>Which connection failures are worth retrying.</summary>
public static class ConnectionFailures
{
    /// <summary>
    /// True when trying again with the same settings cannot help: bad credentials or secret, a refused certificate,
    /// bad options, a bind the router refuses (409 included), a server that does not know us or our protocol. A
    /// refused or reset connection, a timeout, a lost connection, a server restarting (<c>system-shutdown</c>), an
    /// old session still holding our name (<c>conflict</c>), a server confused about the protocol (an unexpected
    /// element or header during negotiation) or bad input from the server are transient.
    /// </summary>
    public static bool IsPermanent(Exception error) => error switch
    {
        XmppAuthenticationException auth => auth.Condition is not ("conflict" or "unexpected-element" or "unexpected-header"),
        BindFailedException => true,
        TlsNegotiationException => true,
        InvalidConnectionOptionsException => true,
        StreamErrorException stream => !IsTransient(stream.Condition),
        _ => false,
    };

    private static bool IsTransient(StreamErrorCondition condition) => condition is
        StreamErrorCondition.SystemShutdown or StreamErrorCondition.ConnectionTimeout or StreamErrorCondition.Conflict
        or StreamErrorCondition.Reset or StreamErrorCondition.RemoteConnectionFailed or StreamErrorCondition.ResourceConstraint
        or StreamErrorCondition.InternalServerError or StreamErrorCondition.SeeOtherHost or StreamErrorCondition.PolicyViolation
        or StreamErrorCondition.UndefinedCondition;
}
