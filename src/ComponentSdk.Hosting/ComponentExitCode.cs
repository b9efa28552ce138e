namespace ComponentSdk.Hosting;

/// <summary>The exit codes of a component process.</summary>
public static class ComponentExitCode
{
    /// <summary>Stopped normally (Ctrl-C, SIGTERM).</summary>
    public const int Success = 0;

    /// <summary>The configuration is not usable.</summary>
    public const int InvalidOptions = 2;

    /// <summary>The server refused the component or its login (a wrong secret or password, a domain it does not serve).</summary>
    public const int AuthenticationFailed = 3;

    /// <summary>
    /// Gave up connecting: the attempts ran out (<c>Component:Reconnect:MaxAttempts</c>, unlimited by default), or a
    /// failure that trying again cannot fix (a refused certificate, a TLS policy the server cannot meet).
    /// </summary>
    public const int ConnectionFailed = 4;
}
