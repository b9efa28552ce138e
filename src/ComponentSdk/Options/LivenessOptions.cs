namespace ComponentSdk;

/// <summary>Keeping a quiet connection alive and noticing a dead one (configuration section <c>Component:Liveness</c>).</summary>
public sealed class LivenessOptions
{
    /// <summary>After this long without sending anything, a single space is sent to keep the stream alive (RFC 6120 §4.6.1). Default 60 s; zero turns it off.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// After this long without receiving anything, a XEP-0199 ping goes to the server (a component pings its own domain,
    /// which the server routes back). Default 90 s; zero turns it off.
    /// </summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// When nothing at all arrives within this long after a ping, the server is taken for dead and the connection
    /// is closed (and, when enabled, reconnected). Default 30 s.
    /// </summary>
    public TimeSpan PingTimeout { get; set; } = TimeSpan.FromSeconds(30);

    internal LivenessOptions Clone() => (LivenessOptions)MemberwiseClone();

    internal void AddFailures(List<string> failures)
    {
        if (KeepAliveInterval < TimeSpan.Zero) failures.Add("Liveness:KeepAliveInterval must not be negative.");
        if (PingInterval < TimeSpan.Zero) failures.Add("Liveness:PingInterval must not be negative.");
        if (PingTimeout <= TimeSpan.Zero) failures.Add("Liveness:PingTimeout must be positive.");
    }
}
