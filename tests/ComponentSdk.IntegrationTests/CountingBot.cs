using System.Collections.Concurrent;
using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.IntegrationTests;

/// <summary>A client that counts each message body it handles and, when asked, echoes it to the sender.</summary>
internal sealed class CountingBot(ConnectionOptions options, bool echo, Microsoft.Extensions.Logging.ILogger? logger = null) : Component(options, logger)
{
    private int repeats;

    public ConcurrentDictionary<int, int> Received { get; } = new();

    public int Repeats => Volatile.Read(ref repeats);

    protected override async ValueTask OnMessageAsync(XElement message, CancellationToken cancellationToken)
    {
        if (message.Type() == "error" || message.Element("body") is not { } body) return;
        if (Received.AddOrUpdate((int)body, 1, (_, n) => n + 1) > 1) Interlocked.Increment(ref repeats);
        if (echo) await SendAsync(StreamManagementTests.Chat(message.From()!, (int)body), cancellationToken);
    }
}
