namespace ComponentSdk;

/// <summary>No reply to a request arrived within its timeout.</summary>
public sealed class RequestTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public RequestTimeoutException(string id, TimeSpan timeout)
        : base($"No reply to request '{id}' within {timeout.TotalSeconds:0.###} s.")
    {
        Id = id;
        Timeout = timeout;
    }

    /// <summary>The id of the request.</summary>
    public string Id { get; }

    /// <summary>How long the request waited.</summary>
    public TimeSpan Timeout { get; }
}
