namespace ComponentSdk;

/// <summary>How a connection's socket is read, and where its pipeline runs.</summary>
public enum TransportMode
{
    /// <summary>
    /// DotNetty's socket channel on event loops shared by every connection of the process, one thread per core: thousands
    /// of connections on a few threads. The default.
    /// </summary>
    Shared,

    /// <summary>
    /// A thread of the connection's own blocks in <c>recv</c> on its socket, and the pipeline runs on whichever thread the
    /// data arrives on, without handing each read to another thread: the lowest round trip and CPU per stanza for a
    /// process with a few busy connections (a third faster at one stanza in flight), at the cost of a thread and about
    /// 400 KiB per connection. Linux only; elsewhere the connection is <see cref="Shared"/>.
    /// </summary>
    Dedicated,
}
