namespace ComponentSdk;

/// <summary>The defined stream error conditions of RFC 6120 §4.9.3.</summary>
public enum StreamErrorCondition
{
    /// <summary><c>undefined-condition</c>, also used for a condition this SDK does not know.</summary>
    UndefinedCondition = 0,
    /// <summary><c>bad-format</c>.</summary>
    BadFormat,
    /// <summary><c>bad-namespace-prefix</c>.</summary>
    BadNamespacePrefix,
    /// <summary><c>conflict</c>.</summary>
    Conflict,
    /// <summary><c>connection-timeout</c>.</summary>
    ConnectionTimeout,
    /// <summary><c>host-gone</c>.</summary>
    HostGone,
    /// <summary><c>host-unknown</c>.</summary>
    HostUnknown,
    /// <summary><c>improper-addressing</c>.</summary>
    ImproperAddressing,
    /// <summary><c>internal-server-error</c>.</summary>
    InternalServerError,
    /// <summary><c>invalid-from</c>.</summary>
    InvalidFrom,
    /// <summary><c>invalid-namespace</c>.</summary>
    InvalidNamespace,
    /// <summary><c>invalid-xml</c>.</summary>
    InvalidXml,
    /// <summary><c>not-authorized</c>.</summary>
    NotAuthorized,
    /// <summary><c>not-well-formed</c>.</summary>
    NotWellFormed,
    /// <summary><c>policy-violation</c>.</summary>
    PolicyViolation,
    /// <summary><c>remote-connection-failed</c>.</summary>
    RemoteConnectionFailed,
    /// <summary><c>reset</c>.</summary>
    Reset,
    /// <summary><c>resource-constraint</c>.</summary>
    ResourceConstraint,
    /// <summary><c>restricted-xml</c>.</summary>
    RestrictedXml,
    /// <summary><c>see-other-host</c>.</summary>
    SeeOtherHost,
    /// <summary><c>system-shutdown</c>.</summary>
    SystemShutdown,
    /// <summary><c>unsupported-encoding</c>.</summary>
    UnsupportedEncoding,
    /// <summary><c>unsupported-feature</c>.</summary>
    UnsupportedFeature,
    /// <summary><c>unsupported-stanza-type</c>.</summary>
    UnsupportedStanzaType,
    /// <summary><c>unsupported-version</c>.</summary>
    UnsupportedVersion,
}
