namespace ComponentSdk.Hosting;

/// <summary>The exit codes of a component process.</summary>
public static class ComponentExitCode
{
    /// <summary>Stopped normally (Ctrl-C, SIGTERM).</summary>
    public const int Success = 0;

    /// <summary>The configuration is not usable.</summary>
    public const int InvalidOptions = 2;

    /// <summary>The server refused to authenticate the component.</summary>
    public const int AuthenticationFailed = 3;

    /// <summary>The server could not be reached or the connection failed for good.</summary>
    public const int ConnectionFailed = 4;
}
