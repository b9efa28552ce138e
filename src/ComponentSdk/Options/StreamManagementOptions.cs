namespace ComponentSdk;

/// <summary>
/// XEP-0198 stream management for <see cref="ConnectionType.Client"/> logins (configuration section
/// <c>Component:StreamManagement</c>): the server and the SDK acknowledge each other's stanzas, and after a lost
/// connection the session is resumed within the server's window, with nothing lost either way and no new login.
/// Used where the server offers it; the other connection types ignore these options.
/// </summary>
public sealed class StreamManagementOptions
{
    /// <summary>Enables stream management when the server offers it. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Asks the server to keep the session for resumption after a lost connection. Default true; without it, acks
    /// still tell what the server received, and what it had not is sent again on the next session.
    /// </summary>
    public bool Resume { get; set; } = true;

    /// <summary>
    /// The longest the server should keep a lost session for resumption (the <c>max</c> we ask for); null (the
    /// default) leaves it to the server. Servers may cap or ignore it: the window in effect is the one they announce.
    /// </summary>
    public TimeSpan? MaxResumeTime { get; set; }

    /// <summary>An ack is requested (<c>&lt;r/&gt;</c>) once this many stanzas were sent since the last request. Default 32.</summary>
    public int AckEvery { get; set; } = 32;

    /// <summary>
    /// An ack is requested this long after a stanza was sent if none was requested since, so that a quiet stream has
    /// everything acknowledged soon. Default 1 s.
    /// </summary>
    public TimeSpan AckDelay { get; set; } = TimeSpan.FromSeconds(1);

    internal StreamManagementOptions Clone() => (StreamManagementOptions)MemberwiseClone();

    internal void AddFailures(List<string> failures)
    {
        if (AckEvery < 1) failures.Add("StreamManagement:AckEvery must be at least 1.");
        if (AckDelay <= TimeSpan.Zero) failures.Add("StreamManagement:AckDelay must be positive.");
        if (MaxResumeTime is { } max && max < TimeSpan.FromSeconds(1)) failures.Add("StreamManagement:MaxResumeTime must be at least 1 s when set.");
    }
}
