using System.Text;
using System.Xml.Linq;
using ComponentSdk.Testing;
using ComponentSdk.Tests.Support;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Components;

[CancelAfter(30_000)]
public class ReconnectTests : RouterFixture
{
    private static void Fast(ConnectionOptions o)
    {
        o.Reconnect.Enabled = true;
        o.Reconnect.InitialDelay = TimeSpan.FromMilliseconds(50);
        o.Reconnect.MaxDelay = TimeSpan.FromMilliseconds(200);
    }

    [Test]
    public async Task AfterTheServerDropsItTheComponentComesBackWithItsFiltersAndQueue(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync(configure: Fast);
        var recorder = new StatusRecorder(component);
        int filtered = 0;
        component.AddFilter("count", "/message", _ => Interlocked.Increment(ref filtered));
        Task<XElement> inFlight = component.RequestAsync(new XElement("iq", new XAttribute("type", "get"), new XAttribute("to", "localhost")), cancellationToken: cancellationToken);
        await Router.ReceiveAsync(TimeSpan.FromSeconds(5));

        await Router.DisconnectAsync("echo.localhost", StreamErrorCondition.SystemShutdown);
        await Assert.ThrowsAsync<ConnectionLostException>(() => inFlight);
        await TestComponent.Until(() => component.ReadyCount == 2, null, "the second Ready");

        Assert.That(recorder.Statuses, Does.Contain(ConnectionStatus.ReconnectScheduled));
        Assert.That(component.IsReady, Is.True);
        await Router.SendAsync(new XElement("message", new XAttribute("to", "a@echo.localhost"), new XElement("body", "after")));
        await component.WaitForMessagesAsync(1);
        Assert.That(filtered, Is.EqualTo(1), "filters survive");
    }

    [Test]
    public async Task WhileTheServerIsDownItKeepsTryingThenComesBack(CancellationToken cancellationToken)
    {
        int port = Router.Port;
        await using TestComponent component = await ConnectedAsync(configure: Fast);
        var recorder = new StatusRecorder(component);
        await Router.DisposeAsync();
        await TestComponent.Until(() => recorder.Statuses.Count(s => s == ConnectionStatus.ReconnectScheduled) >= 3, null, "several attempts");
        Assert.That(recorder.Statuses, Does.Contain(ConnectionStatus.ConnectFail));
        await component.SendAsync(new XElement("message", new XAttribute("to", "user@localhost"), new XElement("body", "queued while down")), cancellationToken);

        await using LoopbackRouter revived = await LoopbackRouter.StartAsync(port: port);
        revived.AddComponent("echo.localhost", "secret");
        await revived.WaitForComponentAsync("echo.localhost", TimeSpan.FromSeconds(10));
        await TestComponent.Until(() => component.IsReady, null, "ready again");
        await component.PurgeQueueAsync(cancellationToken);
        Assert.That((string?)(await revived.ReceiveAsync(TimeSpan.FromSeconds(5))).Element("body"), Is.EqualTo("queued while down"));
    }

    [Test]
    public async Task APermanentFailureStopsReconnecting(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync(configure: Fast);
        var recorder = new StatusRecorder(component);
        Router.AddComponent("echo.localhost", "changed");
        await Router.DisconnectAsync("echo.localhost");

        ConnectionStatusEventArgs failed = await recorder.WaitForAsync(ConnectionStatus.ReconnectFailed);
        Assert.That(((XmppAuthenticationException)failed.Error!).Condition, Is.EqualTo("not-authorized"));
        int attempts = recorder.Statuses.Count(s => s == ConnectionStatus.ReconnectScheduled);
        await Task.Delay(500, cancellationToken);
        Assert.That(recorder.Statuses.Count(s => s == ConnectionStatus.ReconnectScheduled), Is.EqualTo(attempts), "no further attempts");
        Assert.That(component.IsReady, Is.False);
    }

    [Test]
    public async Task AttemptsRunOut(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync(configure: o =>
        {
            Fast(o);
            o.Reconnect.MaxAttempts = 3;
        });
        var recorder = new StatusRecorder(component);
        await Router.DisposeAsync();
        ConnectionStatusEventArgs failed = await recorder.WaitForAsync(ConnectionStatus.ReconnectFailed);
        Assert.That(failed.Error, Is.TypeOf<ConnectionFailedException>());
        Assert.That(recorder.Statuses.Count(s => s == ConnectionStatus.ConnectFail), Is.EqualTo(3));
    }

    [Test]
    public async Task SeeOtherHostIsFollowed(CancellationToken cancellationToken)
    {
        await using LoopbackRouter other = await LoopbackRouter.StartAsync();
        other.AddComponent("echo.localhost", "secret");
        await using TestComponent component = await ConnectedAsync(configure: Fast);

        await Router.SendRawAsync("echo.localhost", Encoding.UTF8.GetBytes(
            $"<stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>127.0.0.1:{other.Port}</see-other-host></stream:error></stream:stream>"));

        await other.WaitForComponentAsync("echo.localhost", TimeSpan.FromSeconds(10));
        await TestComponent.Until(() => component.IsReady, null, "ready on the other host");
    }

    [Test]
    public async Task WithoutTheOptionNothingReconnects(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync();
        var recorder = new StatusRecorder(component);
        await Router.DisconnectAsync("echo.localhost");
        await recorder.WaitForAsync(ConnectionStatus.SocketFail);
        await Task.Delay(300, cancellationToken);
        Assert.That(recorder.Statuses, Does.Not.Contain(ConnectionStatus.ReconnectScheduled));
    }

    [Test]
    public async Task ConnectWithRetryWaitsForAServerThatIsNotThereYet(CancellationToken cancellationToken)
    {
        int port = Router.Port;
        ConnectionOptions options = Router.OptionsFor("echo.localhost");
        Fast(options);
        await Router.DisposeAsync();
        await using var component = new TestComponent(options);
        Task connecting = component.ConnectWithRetryAsync(cancellationToken);
        await Task.Delay(300, cancellationToken);
        Assert.That(connecting.IsCompleted, Is.False);

        await using LoopbackRouter late = await LoopbackRouter.StartAsync(port: port);
        late.AddComponent("echo.localhost", "secret");
        await connecting;
        Assert.That(component.IsReady, Is.True);
    }

    [TestCase(1, 1000)]
    [TestCase(3, 4000)]
    [TestCase(20, 60000)]
    public void TheDelayIsFullJitterUnderACappedExponential(int attempt, int capMilliseconds)
    {
        var options = new ReconnectOptions { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(60) };
        var random = new Random(42);
        var delays = Enumerable.Range(0, 1000).Select(_ => options.DelayFor(attempt, random).TotalMilliseconds).ToList();
        Assert.That(delays.Max(), Is.LessThanOrEqualTo(capMilliseconds));
        Assert.That(delays.Min(), Is.LessThan(capMilliseconds * 0.05), "spread down to zero");
        Assert.That(delays.Average(), Is.EqualTo(capMilliseconds / 2.0).Within(capMilliseconds * 0.1));
    }

    [TestCase("other.example.org", "other.example.org", 5347)]
    [TestCase("other.example.org:5270", "other.example.org", 5270)]
    [TestCase("192.0.2.1", "192.0.2.1", 5347)]
    [TestCase("[2001:db8::1]:5271", "2001:db8::1", 5271)]
    [TestCase("2001:db8::1", "2001:db8::1", 5347)]
    public void SeeOtherHostValuesAreParsed(string value, string host, int port)
    {
        Assert.That(ComponentSdk.Runtime.ConnectionSupervisor.ParseOtherHost(value, 5347), Is.EqualTo((host, port)));
    }

    [Test]
    public void FailuresAreClassified()
    {
        Assert.That(ConnectionFailures.IsPermanent(new XmppAuthenticationException("not-authorized", null, "x")), Is.True);
        Assert.That(ConnectionFailures.IsPermanent(new XmppAuthenticationException("conflict", null, "x")), Is.False, "an old session lingers");
        Assert.That(ConnectionFailures.IsPermanent(new BindFailedException("a", 409)), Is.True);
        Assert.That(ConnectionFailures.IsPermanent(new StreamErrorException(StreamErrorCondition.SystemShutdown, null)), Is.False);
        Assert.That(ConnectionFailures.IsPermanent(new StreamErrorException(StreamErrorCondition.HostUnknown, null)), Is.True);
        Assert.That(ConnectionFailures.IsPermanent(new ConnectionFailedException("h", 1, null)), Is.False);
        Assert.That(ConnectionFailures.IsPermanent(new RestrictedXmlException("bad")), Is.False, "bad input from the server: try again");
    }
}
