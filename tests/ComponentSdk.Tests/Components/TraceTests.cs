using System.Xml.Linq;
using ComponentSdk.Tests.Support;
using ComponentSdk.Xml;
using Microsoft.Extensions.Logging;

namespace ComponentSdk.Tests.Components;

[CancelAfter(20_000)]
public class TraceTests : RouterFixture
{
    [Test]
    public async Task DebugTracesEveryElementWithoutTheSecretOrTheDigest(CancellationToken cancellationToken)
    {
        var logger = new RecordingLogger();
        await using TestComponent component = await ConnectedAsync(configure: o =>
        {
            o.Debug = true;
            o.Password = "secret";
        }, logger: logger);
        await component.SendAsync(new XElement("message", new XAttribute("to", "a@localhost"), new XElement("body", "traced")), cancellationToken);
        await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        await component.ShutdownAsync(cancellationToken);

        string log = logger.All;
        Assert.That(log, Does.Contain("Sent: <stream:stream to='echo.localhost'"));
        Assert.That(log, Does.Contain("Recd: <stream:stream from='echo.localhost'"));
        Assert.That(log, Does.Contain("Sent: <handshake>[redacted]</handshake>"));
        Assert.That(log, Does.Contain("Sent: <message to='a@localhost' from='echo.localhost'><body>traced</body></message>"), "a component's stanza names its sender");
        Assert.That(log, Does.Contain("Sent: </stream:stream>"));
        Assert.That(logger.Lines.Where(l => l.Text.Contains("Sent:")).Select(l => l.Id.Id).Distinct(), Is.EqualTo(new[] { 100 }));
        Assert.That(log, Does.Not.Contain("secret"), "the secret never appears");
        Assert.That(log.Split("<handshake>").Skip(1).All(s => s.StartsWith("[redacted]")), Is.True, "the digest never appears");
    }

    [Test]
    public async Task TextMarkedSecretGoesOutAsItIsAndIsRedactedInTracesAndStatusEvents(CancellationToken cancellationToken)
    {
        var logger = new RecordingLogger();
        await using TestComponent component = await ConnectedAsync(configure: o => o.Debug = true, logger: logger);
        var sent = new List<XElement>();
        component.RaiseElementEvents = true;
        component.StatusChanged += (_, e) =>
        {
            if (e.Status == ConnectionStatus.NodeSent && e.Stanza is { } element) lock (sent) sent.Add(element);
        };
        await component.SendAsync(new XElement("message", new XAttribute("to", "a@localhost"),
            new XElement("body", "your token is"), new XElement("token", "tok-3f9a").MarkSecret()), cancellationToken);

        XElement received = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.That(received.Element("token")?.Value, Is.EqualTo("tok-3f9a"), "the peer gets the secret");
        await TestComponent.Until(() => { lock (sent) return sent.Any(e => e.Name.LocalName == "message"); }, null, "the NodeSent event");
        Assert.That(logger.All, Does.Contain("<token>[redacted]</token>").And.Not.Contain("tok-3f9a"));
        lock (sent) Assert.That(sent.Single(e => e.Name.LocalName == "message").Element("token")?.Value, Is.EqualTo("[redacted]"));
    }

    [Test]
    public async Task WithoutDebugTheTraceIsWrittenAtTraceLevelWhenThatIsEnabled(CancellationToken cancellationToken)
    {
        var logger = new RecordingLogger { MinimumLevel = LogLevel.Trace };
        await using TestComponent component = await ConnectedAsync(logger: logger);
        await component.SendAsync(new XElement("message", new XAttribute("to", "a@localhost"), new XElement("body", "traced")), cancellationToken);
        await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        await TestComponent.Until(() => logger.All.Contains("traced"), null, "the message in the trace");
        var trace = logger.Lines.Where(l => l.Id.Id is 100 or 101).ToList();
        Assert.That(trace, Is.Not.Empty);
        Assert.That(trace.Select(l => l.Level), Is.All.EqualTo(LogLevel.Trace));
        Assert.That(string.Join("\n", trace.Select(l => l.Text)), Does.Contain("<handshake>[redacted]</handshake>").And.Not.Contain("secret"));
    }

    [Test]
    public async Task WithoutDebugNothingIsTracedAndThereIsNoPerStanzaLogging(CancellationToken cancellationToken)
    {
        var logger = new RecordingLogger();
        await using TestComponent component = await ConnectedAsync(logger: logger);
        int before = logger.Lines.Count(l => l.Level >= LogLevel.Information);
        for (int i = 0; i < 20; i++) await component.SendAsync(new XElement("message", new XAttribute("to", "a@localhost")), cancellationToken);
        for (int i = 0; i < 20; i++) await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.That(logger.Lines.Count(l => l.Level >= LogLevel.Information), Is.EqualTo(before));
        Assert.That(logger.All, Does.Not.Contain("Sent:"));
    }
}
