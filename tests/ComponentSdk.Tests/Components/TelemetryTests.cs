using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Xml.Linq;
using ComponentSdk.Diagnostics;
using ComponentSdk.Tests.Support;

namespace ComponentSdk.Tests.Components;

/// <summary>The meter and activity source, observed as a listener (dotnet-counters, OpenTelemetry) would.</summary>
[CancelAfter(20_000)]
public class TelemetryTests : RouterFixture
{
    private string alias = "";
    private readonly ConcurrentDictionary<string, long> totals = new();
    private readonly ConcurrentQueue<double> requestDurations = new();
    private readonly ConcurrentQueue<Activity> activities = new();
    private MeterListener listener = null!;
    private ActivityListener activityListener = null!;

    [SetUp]
    public void Listen()
    {
        // NUnit reuses the fixture object: a fresh connection name per test keeps their measurements apart.
        alias = "telemetry-" + Guid.NewGuid().ToString("N")[..8];
        totals.Clear();
        requestDurations.Clear();
        activities.Clear();
        listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ComponentTelemetry.MeterName) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (IsOurs(tags) && instrument.Name == "componentsdk.request.duration") requestDurations.Enqueue(value);
        });
        listener.Start();

        activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ComponentTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if ((string?)activity.GetTagItem(ComponentTelemetry.ConnectionTag) == alias) activities.Enqueue(activity);
            },
        };
        ActivitySource.AddActivityListener(activityListener);
    }

    [TearDown]
    public void StopListening()
    {
        listener.Dispose();
        activityListener.Dispose();
    }

    private bool IsOurs(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (tag.Key == ComponentTelemetry.ConnectionTag) return (string?)tag.Value == alias;
        }
        return false;
    }

    private void Record(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (!IsOurs(tags)) return;
        if (instrument is ObservableGauge<int>) totals[instrument.Name] = value; // a gauge: the latest value
        else totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value);
    }

    private long Total(string name) => totals.GetValueOrDefault(name);

    [Test]
    public async Task StanzasAndBytesAreCountedPerConnection(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync(configure: o => o.Alias = alias);
        component.EchoMessages = true;
        for (int i = 0; i < 10; i++)
        {
            await Router.SendAsync(new XElement("message", new XAttribute("from", "user@localhost/r"), new XAttribute("to", "echo.localhost"), new XElement("body", i)));
        }
        for (int i = 0; i < 10; i++) await Router.ReceiveAsync(TimeSpan.FromSeconds(5));

        await TestComponent.Until(() => Total("componentsdk.stanzas.sent") == 10, null, "ten stanzas counted as sent, have " + string.Join(", ", totals.Select(t => $"{t.Key}={t.Value}")));
        Assert.That(Total("componentsdk.stanzas.received"), Is.EqualTo(10));
        Assert.That(Total("componentsdk.bytes.received"), Is.GreaterThan(10 * 60), "the header, the handshake answer and ten messages");
        Assert.That(Total("componentsdk.bytes.sent"), Is.GreaterThan(10 * 60));
    }

    [Test]
    public async Task GaugesShowTheQueueAndPendingRequests(CancellationToken cancellationToken)
    {
        ConnectionOptions options = Router.OptionsFor("echo.localhost");
        options.Alias = alias;
        await using var component = new TestComponent(options);
        for (int i = 0; i < 3; i++) await component.SendAsync(new XElement("message", new XAttribute("to", "user@localhost")), cancellationToken);
        // To a user the router keeps messages for and who never answers (the router itself would answer a ping at once).
        Task<XElement> request = component.RequestAsync(new XElement("iq", new XAttribute("type", "get"), new XAttribute("to", "user@localhost/r"),
            new XElement(XName.Get("ping", "urn:xmpp:ping"))), TimeSpan.FromSeconds(10), cancellationToken);

        listener.RecordObservableInstruments();
        Assert.That(Total("componentsdk.queue.depth"), Is.EqualTo(4), "three messages and the request wait for the connection");
        Assert.That(Total("componentsdk.requests.pending"), Is.EqualTo(1));

        await component.ConnectAsync(cancellationToken);
        await component.PurgeQueueAsync(cancellationToken);
        listener.RecordObservableInstruments();
        Assert.That(Total("componentsdk.queue.depth"), Is.Zero);
        Assert.That(request.IsCompleted, Is.False, "nobody has answered the request");
        Assert.That(Total("componentsdk.requests.pending"), Is.EqualTo(1));
    }

    [Test]
    public async Task RequestsAreTimedAndTraced(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync(configure: o => o.Alias = alias);
        // Addressed to itself: the router routes it back, and the first element with its id completes it.
        await component.RequestAsync(new XElement("iq", new XAttribute("type", "get"), new XAttribute("to", "echo.localhost"),
            new XElement(XName.Get("ping", "urn:xmpp:ping"))), TimeSpan.FromSeconds(5), cancellationToken);

        Assert.That(requestDurations, Has.Count.EqualTo(1), "one request, one duration");
        Assert.That(requestDurations.Single(), Is.GreaterThan(0).And.LessThan(5));
        Activity connect = activities.Single(a => a.OperationName == "xmpp.connect");
        Assert.That(connect.GetTagItem("xmpp.jid"), Is.EqualTo("echo.localhost"));
        Assert.That(connect.GetTagItem("server.port"), Is.EqualTo(Router.Port));
        Assert.That(connect.Status, Is.Not.EqualTo(ActivityStatusCode.Error));
        Activity request = activities.Single(a => a.OperationName == "xmpp.request");
        Assert.That(request.GetTagItem("xmpp.stanza"), Is.EqualTo("iq"));
        Assert.That(request.GetTagItem("xmpp.to"), Is.EqualTo("echo.localhost"));
        Assert.That(request.Duration, Is.GreaterThan(TimeSpan.Zero));
    }

    [Test]
    public async Task AuthenticationFailuresAreCountedAndTheConnectSpanFails(CancellationToken cancellationToken)
    {
        ConnectionOptions options = Router.OptionsFor("echo.localhost");
        options.Alias = alias;
        options.Password = "wrong";
        await using var component = new TestComponent(options);
        await Assert.ThrowsAsync<XmppAuthenticationException>(() => component.ConnectAsync(cancellationToken));
        await TestComponent.Until(() => Total("componentsdk.auth.failures") == 1, null, "one authentication failure counted");
        Assert.That(activities.Single(a => a.OperationName == "xmpp.connect").Status, Is.EqualTo(ActivityStatusCode.Error));
    }

    [Test]
    public async Task ReconnectsAndStreamErrorsAreCounted(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync(configure: o =>
        {
            o.Alias = alias;
            o.Reconnect.Enabled = true;
            o.Reconnect.InitialDelay = TimeSpan.FromMilliseconds(50);
        });
        await Router.DisconnectAsync("echo.localhost", StreamErrorCondition.SystemShutdown);
        await TestComponent.Until(() => component.ReadyCount == 2, null, "ready again");
        Assert.That(Total("componentsdk.reconnects"), Is.GreaterThanOrEqualTo(1));
        Assert.That(Total("componentsdk.stream.errors"), Is.EqualTo(1), "the server's system-shutdown");
    }
}
