using System.Collections.Concurrent;
using System.Xml.Linq;
using ComponentSdk.Xml;
using Microsoft.Extensions.Logging;

namespace ComponentSdk.Tests.Support;

/// <summary>A component that records what its handlers saw and can be told to misbehave.</summary>
internal sealed class TestComponent : Component
{
    public TestComponent(ConnectionOptions options, ILogger? logger = null)
        : base(options, logger)
    {
    }

    /// <summary>A component whose connections run on a loop of <paramref name="eventLoops"/> (to share one with another).</summary>
    public TestComponent(ConnectionOptions options, DotNetty.Transport.Channels.IEventLoopGroup eventLoops)
        : base(options, null, eventLoops)
    {
    }

    public ConcurrentQueue<XElement> Messages { get; } = new();
    public ConcurrentQueue<XElement> Iqs { get; } = new();
    public int ReadyCount;

    /// <summary>For each message, whether its handler started on the connection's network thread.</summary>
    public ConcurrentQueue<bool> OnNetworkThreadAtStart { get; } = new();

    /// <summary>When set, OnMessageAsync throws for messages with this body.</summary>
    public string? ThrowOnBody { get; set; }

    /// <summary>When set, OnMessageAsync waits on it before returning (a slow or blocked handler).</summary>
    public SemaphoreSlim? Gate { get; set; }

    public bool EchoMessages { get; set; }

    protected override ValueTask OnReadyAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref ReadyCount);
        return ValueTask.CompletedTask;
    }

    protected override async ValueTask OnMessageAsync(XElement message, CancellationToken cancellationToken)
    {
        OnNetworkThreadAtStart.Enqueue(OnNetworkThread);
        if (Gate is not null) await Gate.WaitAsync(cancellationToken);
        if (ThrowOnBody is not null && (string?)message.Element("body") == ThrowOnBody) throw new InvalidOperationException("handler failure");
        Messages.Enqueue(message);
        if (EchoMessages) await SendAsync(message.ReplyTo(), cancellationToken);
    }

    protected override ValueTask OnIqAsync(XElement iq, CancellationToken cancellationToken)
    {
        Iqs.Enqueue(iq);
        if ((string?)iq.Attribute("throw") == "yes") throw new InvalidOperationException("iq handler failure");
        return base.OnIqAsync(iq, cancellationToken);
    }

    public Task WaitForMessagesAsync(int count, TimeSpan? timeout = null) => Until(() => Messages.Count >= count, timeout, $"{count} messages", () => $"had {Messages.Count}");

    /// <summary>Polls <paramref name="condition"/>; on timeout, says what was awaited and, from <paramref name="state"/>, where things stood.</summary>
    public static async Task Until(Func<bool> condition, TimeSpan? timeout, string what, Func<string>? state = null)
    {
        DateTime deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}" + (state is null ? "" : $" ({state()})"));
            await Task.Delay(10);
        }
    }
}
