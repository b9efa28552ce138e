using System.Diagnostics;
using System.Xml.Linq;
using ComponentSdk.Testing;
using ComponentSdk.Tests.Support;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Components;

[CancelAfter(30_000)]
public class LivenessTests : RouterFixture
{
    [Test]
    public async Task AnIdleConnectionSendsWhitespaceAndPingsWhichTheServerRoutesBack(CancellationToken cancellationToken)
    {
        var routed = new List<RoutedStanza>();
        Router.Routed += r => { lock (routed) routed.Add(r); };
        await using TestComponent component = await ConnectedAsync(configure: o =>
        {
            o.Liveness.PingInterval = TimeSpan.FromMilliseconds(300);
            o.Liveness.KeepAliveInterval = TimeSpan.FromMilliseconds(200);
        });
        await Task.Delay(1500, cancellationToken);

        List<XElement> pings;
        lock (routed) pings = routed.Where(r => r.Stanza.Descendants(XName.Get("ping", "urn:xmpp:ping")).Any()).Select(r => r.Stanza).ToList();
        Assert.That(pings, Is.Not.Empty, "a component pings its own domain");
        Assert.That(pings.All(p => p.To() == "echo.localhost" && p.From() == "echo.localhost"), Is.True);
        Assert.That(component.IsReady, Is.True, "the pings were answered, the connection lives");
        Assert.That(component.Iqs.Where(i => i.Id()?.StartsWith("liveness-", StringComparison.Ordinal) == true && i.Type() == "result"), Is.Empty,
            "the answers to its own pings do not reach the application");
    }

    [Test]
    public async Task ASilentServerIsDetectedWithinIntervalPlusTimeout(CancellationToken cancellationToken)
    {
        await using FaultInjectingProxy proxy = FaultInjectingProxy.Start(Router.Host, Router.Port);
        await using TestComponent component = await ConnectedAsync(configure: o =>
        {
            o.Port = proxy.Port;
            o.Liveness.PingInterval = TimeSpan.FromMilliseconds(500);
            o.Liveness.PingTimeout = TimeSpan.FromMilliseconds(500);
            o.Liveness.KeepAliveInterval = TimeSpan.Zero;
        });
        var recorder = new StatusRecorder(component);

        proxy.Stall();
        var clock = Stopwatch.StartNew();
        ConnectionStatusEventArgs lost = await recorder.WaitForAsync(ConnectionStatus.SocketFail, TimeSpan.FromSeconds(5));
        clock.Stop();
        Assert.That(lost.Error, Is.TypeOf<ConnectionLostException>());
        Assert.That(lost.Error!.Message, Does.Contain("went silent"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromMilliseconds(500 + 500 + 700)), "interval + timeout, and some slack for a busy machine");
    }

    [Test]
    public async Task ServerPingsAreAnswered(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync();
        await Router.SendAsync(new XElement("iq", new XAttribute("type", "get"), new XAttribute("id", "s1"), new XAttribute("from", "localhost"),
            new XAttribute("to", "echo.localhost"), new XElement(XName.Get("ping", "urn:xmpp:ping"))));
        XElement pong = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.That((pong.Id(), pong.Type(), pong.To()), Is.EqualTo(("s1", "result", "localhost")));
    }
}
