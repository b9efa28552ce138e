namespace ComponentSdk;

/// <summary>
/// A step in the life of a connection. The first 28 are PCJ's status events, with the same meaning and order
/// (<see cref="ConnectionStatuses.ToPcjName"/> gives PCJ's name); the rest are the SDK's own.
/// </summary>
public enum ConnectionStatus
{
    /// <summary>PCJ_CONNECT: a connect or reconnect was requested.</summary>
    Connect,
    /// <summary>PCJ_CONNECTING: the TCP connection is being made.</summary>
    Connecting,
    /// <summary>PCJ_CONNECTED: the TCP connection is up.</summary>
    Connected,
    /// <summary>PCJ_CONNECTFAIL: the TCP connection could not be made; the error says why.</summary>
    ConnectFail,
    /// <summary>PCJ_STREAMSTART: a stream header was sent (once per stream: again after STARTTLS and SASL).</summary>
    StreamStart,
    /// <summary>PCJ_STREAMEND: <c>&lt;/stream:stream&gt;</c> was sent to end the stream.</summary>
    StreamEnd,
    /// <summary>PCJ_NODESENT: an element was handed to the connection.</summary>
    NodeSent,
    /// <summary>PCJ_NODERECEIVED: a stanza arrived after the connection was ready and was not a reply to a request.</summary>
    NodeReceived,
    /// <summary>PCJ_NODEQUEUED: a stanza was put in the outgoing queue because the connection is not ready.</summary>
    NodeQueued,
    /// <summary>PCJ_SSLNEGOTIATE: STARTTLS was requested.</summary>
    SslNegotiate,
    /// <summary>PCJ_SSLSUCCESS: TLS is established.</summary>
    SslSuccess,
    /// <summary>PCJ_SSLFAIL: TLS could not be established or is required and not offered.</summary>
    SslFail,
    /// <summary>PCJ_AUTHNEGOTIATE: authentication started (handshake, SASL mechanism, iq:auth).</summary>
    AuthNegotiate,
    /// <summary>PCJ_AUTHSUCCESS: authenticated.</summary>
    AuthSuccess,
    /// <summary>PCJ_AUTHFAIL: authentication was refused; the error carries the server's condition.</summary>
    AuthFail,
    /// <summary>PCJ_BINDNEGOTIATE: resource or name binding was requested.</summary>
    BindNegotiate,
    /// <summary>PCJ_BINDSUCCESS: bound.</summary>
    BindSuccess,
    /// <summary>PCJ_BINDFAIL: binding was refused.</summary>
    BindFail,
    /// <summary>PCJ_SESSIONNEGOTIATE: a session was requested.</summary>
    SessionNegotiate,
    /// <summary>PCJ_SESSIONSUCCESS: the session is established.</summary>
    SessionSuccess,
    /// <summary>PCJ_SESSIONFAIL: the session was refused.</summary>
    SessionFail,
    /// <summary>PCJ_RTS_START: a request was registered (its id is assigned) and will be sent.</summary>
    RequestStart,
    /// <summary>PCJ_RTS_FINISH: the reply to a request arrived.</summary>
    RequestFinish,
    /// <summary>PCJ_READY: negotiation finished; stanzas flow. Raised again after every successful reconnect.</summary>
    Ready,
    /// <summary>PCJ_SHUTDOWN_START: a shutdown began.</summary>
    ShutdownStart,
    /// <summary>PCJ_SHUTDOWN_FINISH: the shutdown is complete and the socket closed.</summary>
    ShutdownFinish,
    /// <summary>PCJ_SOCKETFAIL: the connection broke (closed by the peer, reset, an error); the error says why.</summary>
    SocketFail,
    /// <summary>PCJ_SOCKETDISCONNECT: our closing tag was flushed during a shutdown, or a stanza was sent with no connection.</summary>
    SocketDisconnect,

    /// <summary>The peer sent a <c>&lt;stream:error/&gt;</c>; the error is a <see cref="StreamErrorException"/>.</summary>
    StreamError,
    /// <summary>We sent a <c>&lt;stream:error/&gt;</c> because the peer broke the rules; the error says which.</summary>
    StreamErrorSent,
    /// <summary>A reconnect attempt is scheduled after a delay (the detail gives the attempt and the delay).</summary>
    ReconnectScheduled,
    /// <summary>Reconnecting stopped for good: a permanent failure or no attempts left; the error says which.</summary>
    ReconnectFailed,
    /// <summary>jabberd2: the router sent one of our routes back with an error; the error is a <see cref="RouteErrorException"/>.</summary>
    RouteError,
    /// <summary>jabberd2: the router announced a name coming (detail <c>name</c>) or going (<c>name unavailable</c>).</summary>
    NameAdvertised,
    /// <summary>
    /// Acknowledged delivery: the server did not route the connection's first delivery check back (the detail says
    /// how long it was given); this connection confirms delivery at the socket only.
    /// </summary>
    DeliveryChecksUnanswered,
    /// <summary>
    /// A stanza was given up on: <see cref="DeliveryOptions.MaxAttempts"/> connections ended before the
    /// server confirmed it. The stanza is the one dropped; the error, a <see cref="StanzaDroppedException"/>, says why.
    /// </summary>
    StanzaDropped,
    /// <summary>
    /// Client: XEP-0198 stream management is enabled on the new session (the detail says whether, and for how long,
    /// the server keeps it for resumption). Raised before <see cref="Ready"/>.
    /// </summary>
    StreamManagementEnabled,
    /// <summary>
    /// Client: a lost session was resumed (XEP-0198): the connection is ready again with the same address, presence,
    /// rooms and subscriptions; nothing was lost either way. <see cref="Ready"/> and <c>OnReadyAsync</c> are not raised
    /// again, as nothing needs to be set up anew.
    /// </summary>
    StreamResumed,
    /// <summary>
    /// Client: the server could not resume the lost session (the detail gives its reason); a new session follows, and
    /// what the server had not acknowledged is sent again on it.
    /// </summary>
    StreamResumeFailed,
}
