using System.Collections.Concurrent;
using System.Xml.Linq;
using ComponentSdk.Testing;
using ComponentSdk.Tests.Support;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Components;

/// <summary><see cref="ConnectionOptions.RunHandlersOnEventLoop"/>: the same guarantees, without the thread switches.</summary>
[CancelAfter(60_000)]
[TestFixture(TransportMode.Shared)]
[TestFixture(TransportMode.Dedicated)]
public class EventLoopHandlerTests(TransportMode transport) : RouterFixture(transport)
{
    private static void OnEventLoop(ConnectionOptions options) => options.RunHandlersOnEventLoop = true;

    private static XElement Numbered(int i) =>
        new("message", new XAttribute("from", "user@localhost/r"), new XAttribute("to", "echo.localhost"), new XAttribute("id", "m" + i), new XElement("body", i));

    [Test]
    public async Task EchoesInOrderWithTheHandlerOnTheNetworkThread(CancellationToken cancellationToken)
    {
        const int Count = 2000;
        await using TestComponent component = await ConnectedAsync(configure: OnEventLoop);
        component.EchoMessages = true;
        for (int i = 0; i < Count; i++) _ = Router.SendAsync(Numbered(i));
        for (int i = 0; i < Count; i++)
        {
            XElement echo = await Router.ReceiveAsync(TimeSpan.FromSeconds(10));
            Assert.That((int)echo.Element("body")!, Is.EqualTo(i), "echoed once each, in order");
            Assert.That(echo.To(), Is.EqualTo("user@localhost/r"));
        }
        Assert.That(component.OnNetworkThreadAtStart, Has.Count.EqualTo(Count).And.All.True);
    }

    [Test]
    public async Task AnAwaitingHandlerStillStopsReadingAndKeepsOrder(CancellationToken cancellationToken)
    {
        const int Count = 20_000;
        await using TestComponent component = await ConnectedAsync(configure: o =>
        {
            OnEventLoop(o);
            o.Limits.MaxInboundBacklog = 100;
        });
        component.Gate = new SemaphoreSlim(0);
        for (int i = 0; i < Count; i++) _ = Router.SendAsync(Numbered(i));
        int peak = 0;
        for (int i = 0; i < 20; i++)
        {
            await Task.Delay(50, cancellationToken);
            peak = Math.Max(peak, component.InboundBacklog);
        }
        Assert.That(peak, Is.InRange(2, 101), "stanzas wait behind the awaiting handler, and reading stops at the limit");

        component.Gate.Release(Count);
        await component.WaitForMessagesAsync(Count, TimeSpan.FromSeconds(30));
        Assert.That(component.Messages.Select(m => (int)m.Element("body")!), Is.EqualTo(Enumerable.Range(0, Count)), "nothing lost, in order");
    }

    [Test]
    public async Task AHandlerCanAwaitARequestWhoseReplyTheNetworkThreadMustRead(CancellationToken cancellationToken)
    {
        ConnectionOptions options = Options();
        OnEventLoop(options);
        await using var component = new AskingComponent(options);
        await component.ConnectAsync(cancellationToken);

        // The handler pings the server and waits, on the network thread, for the answer that thread has to read.
        await Router.SendAsync(Numbered(1));
        await component.Answered.Task.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
        Assert.That(await component.Answered.Task, Is.EqualTo("result"));
    }

    [Test]
    public async Task StatusEventsComeInOrderOnTheNetworkThread(CancellationToken cancellationToken)
    {
        ConnectionOptions options = Options();
        OnEventLoop(options);
        await using var component = new TestComponent(options);
        var seen = new ConcurrentQueue<(ConnectionStatus Status, bool OnNetworkThread)>();
        component.StatusChanged += (_, e) => seen.Enqueue((e.Status, component.OnNetworkThread));
        await component.ConnectAsync(cancellationToken);
        await TestComponent.Until(() => seen.Any(s => s.Status == ConnectionStatus.Ready), TimeSpan.FromSeconds(5), "Ready");
        Assert.That(seen.Select(s => s.Status).First(), Is.EqualTo(ConnectionStatus.Connect));
        Assert.That(seen.Select(s => s.Status).Last(), Is.EqualTo(ConnectionStatus.Ready));
        Assert.That(seen.Select(s => s.OnNetworkThread), Is.All.True, "even those reported before the socket existed");
    }

    /// <summary>Asks the server something for each message and records the answer's type.</summary>
    private sealed class AskingComponent(ConnectionOptions options) : Component(options)
    {
        public TaskCompletionSource<string?> Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async ValueTask OnMessageAsync(XElement message, CancellationToken cancellationToken)
        {
            XElement reply = await RequestAsync(new XElement("iq", new XAttribute("type", "get"), new XAttribute("to", "localhost"),
                new XElement(XName.Get("ping", "urn:xmpp:ping"))), TimeSpan.FromSeconds(5), cancellationToken);
            Answered.TrySetResult(reply.Type());
        }
    }
}
