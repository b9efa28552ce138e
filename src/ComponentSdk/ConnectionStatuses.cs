namespace ComponentSdk;

/// <summary>Maps <see cref="ConnectionStatus"/> to and from PCJ's status event names.</summary>
public static class ConnectionStatuses
{
    private static readonly string[] PcjNames =
    [
        "PCJ_CONNECT", "PCJ_CONNECTING", "PCJ_CONNECTED", "PCJ_CONNECTFAIL", "PCJ_STREAMSTART", "PCJ_STREAMEND",
        "PCJ_NODESENT", "PCJ_NODERECEIVED", "PCJ_NODEQUEUED", "PCJ_SSLNEGOTIATE", "PCJ_SSLSUCCESS", "PCJ_SSLFAIL",
        "PCJ_AUTHNEGOTIATE", "PCJ_AUTHSUCCESS", "PCJ_AUTHFAIL", "PCJ_BINDNEGOTIATE", "PCJ_BINDSUCCESS", "PCJ_BINDFAIL",
        "PCJ_SESSIONNEGOTIATE", "PCJ_SESSIONSUCCESS", "PCJ_SESSIONFAIL", "PCJ_RTS_START", "PCJ_RTS_FINISH",
        "PCJ_READY", "PCJ_SHUTDOWN_START", "PCJ_SHUTDOWN_FINISH", "PCJ_SOCKETFAIL", "PCJ_SOCKETDISCONNECT",
    ];

    /// <summary>How many statuses PCJ defines (the first values of <see cref="ConnectionStatus"/>).</summary>
    public const int PcjCount = 28;

    /// <summary>
    /// PCJ's constant name for the status, for example <c>PCJ_READY</c>, or null for the SDK's own statuses.
    /// <see cref="ConnectionStatus.StreamStart"/> is <c>PCJ_STREAMSTART</c>, the constant's name; PCJ 3.00 published
    /// it under the misspelt string <c>PCJ_STEAMSTART</c>, which <see cref="FromPcjName"/> also accepts.
    /// </summary>
    public static string? ToPcjName(this ConnectionStatus status) =>
        (int)status < PcjCount && status >= 0 ? PcjNames[(int)status] : null;

    /// <summary>The status for a PCJ event name (either spelling of the stream start), or null.</summary>
    public static ConnectionStatus? FromPcjName(string name)
    {
        if (name == "PCJ_STEAMSTART") return ConnectionStatus.StreamStart;
        int index = Array.IndexOf(PcjNames, name);
        return index < 0 ? null : (ConnectionStatus)index;
    }
}
