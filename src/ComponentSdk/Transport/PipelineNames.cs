namespace ComponentSdk.Transport;

/// <summary>
/// The names of the stages in a connection's DotNetty pipeline, in order from the socket. Insert your own handlers
/// relative to these (for example <c>AddBefore(PipelineNames.Dispatch, ...)</c>).
/// </summary>
public static class PipelineNames
{
    /// <summary>TLS (DotNetty's <c>TlsHandler</c>), added at the head after <c>&lt;proceed/&gt;</c> or at connect for direct TLS.</summary>
    public const string Tls = "tls";

    /// <summary>The <see cref="Xml.StanzaFramer"/>.</summary>
    public const string Framer = "framer";

    /// <summary>The <see cref="ByteMeter"/> in front of the framer.</summary>
    public const string Bytes = "bytes";

    /// <summary>The <see cref="Xml.XmlStanzaCodec"/>.</summary>
    public const string Codec = "codec";

    /// <summary>DotNetty's <c>IdleStateHandler</c>: notices when nothing was read or written for a while.</summary>
    public const string Idle = "idle";

    /// <summary>Whitespace keepalives and XEP-0199 pings on idle; closes a connection whose peer went silent.</summary>
    public const string Liveness = "liveness";

    /// <summary>The XML trace, present when <see cref="ConnectionOptions.Debug"/> is set.</summary>
    public const string Trace = "trace";

    /// <summary>Reports stream starts and sent elements as status events.</summary>
    public const string Events = "events";

    /// <summary>The negotiation of the connection type; it removes itself when the connection is ready.</summary>
    public const string Negotiation = "negotiation";

    /// <summary>Client logins with stream management enabled: XEP-0198 acks, after the negotiation.</summary>
    public const string StreamManagement = "stream-management";

    /// <summary>jabberd2 only: unwraps and wraps <c>&lt;route/&gt;</c> envelopes.</summary>
    public const string Route = "route";

    /// <summary>The hand-off to the component: replies, filters, handlers, stream errors.</summary>
    public const string Dispatch = "dispatch";
}
