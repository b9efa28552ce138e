using System.Net.Sockets;
using System.Xml.Linq;
using ComponentSdk.Testing;
using ComponentSdk.Tests.Support;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Components;

[CancelAfter(20_000)]
public class ConnectTests : RouterFixture
{
    [Test]
    public async Task ConnectsAndRaisesPcjsStatusesInOrder(CancellationToken cancellationToken)
    {
        await using var component = new TestComponent(Router.OptionsFor("echo.localhost")) { RaiseElementEvents = true };
        var recorder = new StatusRecorder(component);

        await component.ConnectAsync(cancellationToken);
        await recorder.WaitForAsync(ConnectionStatus.Ready);

        Assert.That(recorder.Statuses, Is.EqualTo(new[]
        {
            ConnectionStatus.Connect, ConnectionStatus.Connecting, ConnectionStatus.Connected, ConnectionStatus.StreamStart,
            ConnectionStatus.NodeSent, ConnectionStatus.AuthNegotiate, ConnectionStatus.NodeSent, ConnectionStatus.AuthSuccess,
            ConnectionStatus.Ready,
        }));
        Assert.That(recorder.Events[6].Stanza?.Name.LocalName, Is.EqualTo("handshake"));
        Assert.That(recorder.Events[6].Stanza?.Value, Is.EqualTo("[redacted]"), "the digest stays out of the events, as out of the trace");
        Assert.That(component.IsReady, Is.True);
        Assert.That(component.Jid?.ToString(), Is.EqualTo("echo.localhost"));
        Assert.That(component.StreamId, Is.Not.Null.And.Not.Empty);
        await TestComponent.Until(() => component.ReadyCount == 1, null, "OnReadyAsync");
    }

    [Test]
    public void ConstructingDoesNoIo()
    {
        var options = new ConnectionOptions { Host = "127.0.0.1", Port = 1, Hostname = "x.localhost", Password = "p" };
        var component = new Component(options);
        Assert.That(component.IsReady, Is.False);
        Assert.That(component.StreamId, Is.Null);
    }

    [Test]
    public void OptionsAreValidatedWithMessagesNamingEachOption()
    {
        var error = Assert.Throws<InvalidConnectionOptionsException>(() => _ = new Component(new ConnectionOptions
        {
            Port = 70000, Delivery = { CheckInterval = TimeSpan.FromSeconds(-1), DuplicateWindow = DeliveryOptions.MaxDuplicateWindow + 1 },
        }));
        Assert.That(error!.Failures, Has.Some.StartsWith("Host is required"));
        Assert.That(error.Failures, Has.Some.StartsWith("Delivery:CheckInterval must not be negative"), "the full key of a grouped option");
        Assert.That(error.Failures, Has.Some.StartsWith("Delivery:DuplicateWindow must be between 0 and 1048576"));
        Assert.That(error.Failures, Has.Some.StartsWith("Port must be between 1 and 65535"));
        Assert.That(error.Failures, Has.Some.StartsWith("Hostname is required"));
        Assert.That(error.Failures, Has.Some.StartsWith("Password is required"));

        var client = Assert.Throws<InvalidConnectionOptionsException>(() => _ = new Component(new ConnectionOptions
        {
            Host = "127.0.0.1", Port = 5222, Hostname = "localhost", Password = "p", ConnectionType = ConnectionType.Client,
        }));
        Assert.That(client!.Failures, Is.EqualTo(new[] { "Login:Username is required for connection type Client." }));
    }

    [Test]
    public async Task AWrongSecretIsATypedAuthenticationFailure(CancellationToken cancellationToken)
    {
        ConnectionOptions options = Router.OptionsFor("echo.localhost");
        options.Password = "wrong";
        await using var component = new TestComponent(options);
        var recorder = new StatusRecorder(component);

        var error = await Assert.ThrowsAsync<XmppAuthenticationException>(() => component.ConnectAsync(cancellationToken));
        Assert.That(error!.Condition, Is.EqualTo("not-authorized"));
        Assert.That((await recorder.WaitForAsync(ConnectionStatus.AuthFail)).Error, Is.SameAs(error));
        Assert.That(component.IsReady, Is.False);
    }

    [Test]
    public async Task AnUnknownDomainIsRefused(CancellationToken cancellationToken)
    {
        ConnectionOptions options = Router.OptionsFor("echo.localhost");
        options.Hostname = "nope.localhost";
        await using var component = new TestComponent(options);
        var error = await Assert.ThrowsAsync<XmppAuthenticationException>(() => component.ConnectAsync(cancellationToken));
        Assert.That(error!.Condition, Is.EqualTo("host-unknown"));
    }

    [Test]
    public async Task ARefusedConnectionIsConnectFailWithoutRetry(CancellationToken cancellationToken)
    {
        ConnectionOptions options = Router.OptionsFor("echo.localhost");
        await Router.DisposeAsync();
        await using var component = new TestComponent(options);
        var recorder = new StatusRecorder(component);

        var error = await Assert.ThrowsAsync<ConnectionFailedException>(() => component.ConnectAsync(cancellationToken));
        Assert.That(error!.Port, Is.EqualTo(options.Port));
        await recorder.WaitForAsync(ConnectionStatus.ConnectFail);
        await Task.Delay(200, cancellationToken);
        Assert.That(recorder.Statuses.Count(s => s == ConnectionStatus.Connecting), Is.EqualTo(1), "no retry");
    }

    [Test]
    public void AFailedConnectionSaysInWordsWhatWentWrongAndWhatToCheck()
    {
        Assert.That(new ConnectionFailedException("xmpp.example", 5347, new SocketException((int)SocketError.HostNotFound)).Message,
            Is.EqualTo("The host name 'xmpp.example' does not resolve (host not found): check Host."));
        Assert.That(new ConnectionFailedException("127.0.0.1", 18399, new SocketException((int)SocketError.ConnectionRefused)).Message,
            Does.StartWith("Nothing listens on 127.0.0.1:18399 (connection refused)"));
        Assert.That(new ConnectionFailedException("127.0.0.1", 18399, new TimeoutException("No TCP connection within 10 s.")).Message,
            Does.StartWith("No TCP connection to 127.0.0.1:18399 in time (No TCP connection within 10 s)"));
    }

    [Test]
    public async Task ShutdownEndsTheStreamCleanly(CancellationToken cancellationToken)
    {
        await using var component = new TestComponent(Router.OptionsFor("echo.localhost"));
        var recorder = new StatusRecorder(component);
        await component.ConnectAsync(cancellationToken);

        await component.ShutdownAsync(cancellationToken);

        await recorder.WaitForAsync(ConnectionStatus.ShutdownFinish);
        Assert.That(recorder.Statuses.SkipWhile(s => s != ConnectionStatus.StreamEnd), Is.EqualTo(new[]
        {
            ConnectionStatus.StreamEnd, ConnectionStatus.ShutdownStart, ConnectionStatus.SocketDisconnect, ConnectionStatus.ShutdownFinish,
        }), "no SocketFail after a clean shutdown");
        Assert.That(component.IsReady, Is.False);
        await TestComponent.Until(() => Router.ConnectedDomains.Count == 0, null, "the router to see the close");
    }

    [Test]
    public async Task ShutdownWithoutAConnectionDoesNothing(CancellationToken cancellationToken)
    {
        await using var component = new TestComponent(Router.OptionsFor("echo.localhost"));
        var recorder = new StatusRecorder(component);
        await component.ShutdownAsync(cancellationToken);
        await Task.Delay(100, cancellationToken);
        Assert.That(recorder.Statuses, Is.Empty);
    }

    [Test]
    public async Task ConnectingAgainReplacesTheLiveConnection(CancellationToken cancellationToken)
    {
        await using var component = new TestComponent(Router.OptionsFor("echo.localhost"));
        await component.ConnectAsync(cancellationToken);
        string? first = component.StreamId;

        await component.ReconnectAsync(cancellationToken: cancellationToken);

        Assert.That(component.IsReady, Is.True);
        Assert.That(component.StreamId, Is.Not.EqualTo(first));
        await TestComponent.Until(() => component.ReadyCount == 2, null, "Ready after the reconnect");
        Assert.That(Router.ConnectedDomains, Is.EqualTo(new[] { "echo.localhost" }));
    }

    [Test]
    public async Task ConnectCanGoToAnotherHostAndPortWhichAreKept(CancellationToken cancellationToken)
    {
        await using LoopbackRouter other = await LoopbackRouter.StartAsync();
        other.AddComponent("echo.localhost", "secret");
        await using var component = new TestComponent(Router.OptionsFor("echo.localhost"));

        await component.ConnectAsync(other.Host, other.Port, cancellationToken);
        Assert.That(other.ConnectedDomains, Has.Count.EqualTo(1));

        await component.ReconnectAsync(cancellationToken: cancellationToken);
        Assert.That(other.ConnectedDomains, Has.Count.EqualTo(1), "the new port is used again");
        Assert.That(Router.ConnectedDomains, Is.Empty);
    }

    [Test]
    public async Task AStreamErrorAfterReadyIsReportedAndPendingRequestsFail(CancellationToken cancellationToken)
    {
        await using var component = new TestComponent(Router.OptionsFor("echo.localhost"));
        var recorder = new StatusRecorder(component);
        await component.ConnectAsync(cancellationToken);
        Task<XElement> request = component.RequestAsync(new XElement("iq", new XAttribute("type", "get"), new XAttribute("to", "localhost")), cancellationToken: cancellationToken);
        await Router.ReceiveAsync(TimeSpan.FromSeconds(5));

        await Router.DisconnectAsync("echo.localhost", StreamErrorCondition.SystemShutdown);

        var streamError = (StreamErrorException)(await recorder.WaitForAsync(ConnectionStatus.StreamError)).Error!;
        Assert.That(streamError.Condition, Is.EqualTo(StreamErrorCondition.SystemShutdown));
        Assert.That((await recorder.WaitForAsync(ConnectionStatus.SocketFail)).Error, Is.SameAs(streamError));
        var lost = await Assert.ThrowsAsync<ConnectionLostException>(() => request);
        Assert.That(lost!.InnerException, Is.SameAs(streamError));
        Assert.That(component.IsReady, Is.False);
    }
}
