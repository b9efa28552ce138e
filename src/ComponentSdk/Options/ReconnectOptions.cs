namespace ComponentSdk;

/// <summary>
/// Automatic reconnection after a ready connection is lost (configuration section <c>Component:Reconnect</c>):
/// exponential backoff with full jitter, until it succeeds, fails permanently, or runs out of attempts.
/// </summary>
public sealed class ReconnectOptions
{
    /// <summary>Whether to reconnect. Null means the default: on for hosted components, off otherwise.</summary>
    public bool? Enabled { get; set; }

    /// <summary>The upper bound of the first delay. Default 1 s.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The largest delay between attempts. Default 60 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How many attempts before giving up; 0 means no limit (the default).</summary>
    public int MaxAttempts { get; set; }

    /// <summary>
    /// The delay before attempt <paramref name="attempt"/> (1-based): a random value between zero and
    /// min(<see cref="MaxDelay"/>, <see cref="InitialDelay"/> × 2^(attempt-1)) ("full jitter"), so that many components
    /// dropped at once by a restarting server do not come back at the same moment.
    /// </summary>
    public TimeSpan DelayFor(int attempt, Random? random = null)
    {
        double cap = Math.Min(MaxDelay.TotalMilliseconds, InitialDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30)));
        return TimeSpan.FromMilliseconds((random ?? Random.Shared).NextDouble() * cap);
    }

    internal ReconnectOptions Clone() => (ReconnectOptions)MemberwiseClone();

    internal void AddFailures(List<string> failures)
    {
        if (InitialDelay <= TimeSpan.Zero) failures.Add("Reconnect:InitialDelay must be positive.");
        if (MaxDelay < InitialDelay) failures.Add("Reconnect:MaxDelay must not be less than Reconnect:InitialDelay.");
        if (MaxAttempts < 0) failures.Add("Reconnect:MaxAttempts must be 0 (no limit) or more.");
    }
}
