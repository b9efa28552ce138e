namespace ComponentSdk;

/// <summary>The server did not complete the stream negotiation within <see cref="ConnectionOptions.NegotiationTimeout"/>.</summary>
public sealed class NegotiationTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public NegotiationTimeoutException(TimeSpan timeout, string step)
        : base($"The server did not complete the negotiation within {timeout.TotalSeconds:0.###} s (waiting for: {step}).")
    {
        Step = step;
    }

    /// <summary>What was being waited for.</summary>
    public string Step { get; }
}
