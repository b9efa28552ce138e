namespace ComponentSdk.Transport;

/// <summary>One place to connect to: a host name or address, a port, and whether TLS starts with the first byte.</summary>
internal sealed record ServerTarget(string Host, int Port, bool DirectTls)
{
    public override string ToString() => $"{Host}:{Port}" + (DirectTls ? " (direct TLS)" : "");
}
