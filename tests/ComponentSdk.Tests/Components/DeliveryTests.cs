using System.Xml.Linq;
using ComponentSdk.Testing;
using ComponentSdk.Tests.Support;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Components;

[CancelAfter(60_000)]
public class DeliveryTests : RouterFixture
{
    private static XElement Message(int n, string to = "user@localhost") =>
        new("message", new XAttribute("to", to), new XAttribute("from", "echo.localhost"), new XElement("body", n));

    /// <summary>Counts the delivery checks (barriers, ids starting "b-") the router routes.</summary>
    private sealed class BarrierCounter
    {
        private int count;

        public int Count => Volatile.Read(ref count);

        public void Observe(XElement stanza)
        {
            if (stanza.Id()?.StartsWith("b-", StringComparison.Ordinal) == true) Interlocked.Increment(ref count);
        }
    }

    private BarrierCounter CountBarriers()
    {
        var counter = new BarrierCounter();
        Router.Routed += r => counter.Observe(r.Stanza);
        return counter;
    }

    private static void Acknowledged(ConnectionOptions o)
    {
        o.Delivery.Acknowledged = true;
        o.Liveness.PingInterval = TimeSpan.Zero;
        o.Liveness.KeepAliveInterval = TimeSpan.Zero;
    }

    [Test]
    public async Task TheServerConfirmsWhatItProcessedWithBarriersTheApplicationNeverSees(CancellationToken cancellationToken)
    {
        BarrierCounter barriers = CountBarriers();
        await using TestComponent component = await ConnectedAsync(configure: Acknowledged);
        for (int i = 0; i < 1000; i++) await component.SendAsync(Message(i), cancellationToken);
        await TestComponent.Until(() => component.UnconfirmedCount == 0, null, "every stanza confirmed");

        var originIds = new HashSet<string>();
        for (int i = 0; i < 1000; i++)
        {
            XElement received = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
            Assert.That((int)received.Element("body")!, Is.EqualTo(i));
            Assert.That(received.OriginId(), Is.Not.Empty, "stanzas get an origin-id so a receiver can drop repeats");
            originIds.Add(received.OriginId()!);
        }
        Assert.That(originIds, Has.Count.EqualTo(1000), "each stanza's origin-id is its own");
        Assert.That(barriers.Count, Is.InRange(1, 1000), "one barrier per round trip, not one per stanza");
        TestContext.Out.WriteLine($"{barriers.Count} barriers for 1000 stanzas");
        Assert.That(component.Iqs, Is.Empty, "barriers are not handed to the application");
    }

    [Test]
    public async Task DeliveryChecksNobodyAnswersNeverStallTrafficUnderLoad(CancellationToken cancellationToken)
    {
        const int Count = 200_000;
        const int Window = 1000;
        Router.DropsSelfAddressedIqs = true;
        var logger = new RecordingLogger();
        await using TestComponent echo = await ConnectedAsync(configure: o =>
        {
            Acknowledged(o);
            o.Delivery.CheckTimeout = TimeSpan.FromMilliseconds(500);
        }, logger: logger);
        echo.EchoMessages = true;
        var statuses = new StatusRecorder(echo);

        // The load: at most Window messages awaiting their echo.
        int echoed = 0;
        Task reading = Task.Run(async () =>
        {
            for (; echoed < Count; echoed++) await Router.ReceiveAsync(TimeSpan.FromSeconds(20));
        }, cancellationToken);
        for (int i = 0; i < Count; i++)
        {
            while (i - Volatile.Read(ref echoed) >= Window) await Task.Delay(1, cancellationToken);
            await Router.SendAsync(new XElement("message", new XAttribute("from", "load@localhost/r"), new XAttribute("to", "bot@echo.localhost"),
                new XAttribute("id", i.ToString()), new XElement("body", "x")));
        }
        await reading;

        Assert.That(echoed, Is.EqualTo(Count), "every message echoed");
        Assert.That(statuses.Statuses.Count(s => s == ConnectionStatus.DeliveryChecksUnanswered), Is.EqualTo(1));
        Assert.That(logger.Lines.Count(l => l.Level == Microsoft.Extensions.Logging.LogLevel.Warning && l.Text.Contains("does not route stanzas a component addresses to itself")),
            Is.EqualTo(1), "one warning, naming the option to change");
        Assert.That(echo.IsReady, Is.True, "the connection was never recycled");
        Assert.That(echo.UnconfirmedCount, Is.Zero, "nothing held for a confirmation that never comes");
    }

    [Test]
    public async Task AServerThatAnswersKeepsAcknowledgedDeliveryAfterTheProbe(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync(configure: o =>
        {
            Acknowledged(o);
            o.Delivery.CheckTimeout = TimeSpan.FromMilliseconds(300);
        });
        var statuses = new StatusRecorder(component);
        await Task.Delay(600, cancellationToken);
        for (int i = 0; i < 10; i++) await component.SendAsync(Message(i), cancellationToken);
        await TestComponent.Until(() => component.UnconfirmedCount == 0, null, "confirmed by the server");
        Assert.That(statuses.Statuses, Does.Not.Contain(ConnectionStatus.DeliveryChecksUnanswered));
    }

    [Test]
    public async Task AStanzaTheServerRefusesIsDroppedAfterThreeAttemptsAndNothingElseIs(CancellationToken cancellationToken)
    {
        int refusals = 0;
        Router.RefusesStanza = s => (string?)s.Element("body") == "poison" && Interlocked.Increment(ref refusals) > 0;
        await using TestComponent component = await ConnectedAsync(configure: o =>
        {
            Acknowledged(o);
            o.Delivery.PurgeQueueOnReady = true;
            o.Reconnect.Enabled = true;
            o.Reconnect.InitialDelay = TimeSpan.FromMilliseconds(20);
            o.Reconnect.MaxDelay = TimeSpan.FromMilliseconds(50);
        });
        var statuses = new StatusRecorder(component);
        string[] bodies = ["a", "b", "c", "poison", "d", "e", "f"];
        foreach (string body in bodies) await component.SendAsync(new XElement("message", new XAttribute("to", "user@localhost"), new XElement("body", body)), cancellationToken);

        await statuses.WaitForAsync(ConnectionStatus.StanzaDropped);
        var arrived = new List<string>();
        while (arrived.Distinct().Count() < bodies.Length - 1) arrived.Add((string)(await Router.ReceiveAsync(TimeSpan.FromSeconds(10))).Element("body")!);

        ConnectionStatusEventArgs dropped = statuses.Events.Single(e => e.Status == ConnectionStatus.StanzaDropped);
        Assert.That((string?)dropped.Stanza!.Element("body"), Is.EqualTo("poison"));
        Assert.That(dropped.Error, Is.TypeOf<StanzaDroppedException>().With.Property("Attempts").EqualTo(3));
        Assert.That(Volatile.Read(ref refusals), Is.EqualTo(3), "three attempts, three disconnects");
        Assert.That(arrived.Distinct(), Is.EqualTo(new[] { "a", "b", "c", "d", "e", "f" }), "everything else arrived, in order");
        await component.SendAsync(new XElement("message", new XAttribute("to", "user@localhost"), new XElement("body", "after")), cancellationToken);
        while ((string)(await Router.ReceiveAsync(TimeSpan.FromSeconds(10))).Element("body")! != "after") { }
    }

    [Test]
    public async Task SendAsyncRefusesAStanzaOverTheOutgoingLimit(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync(configure: o => o.Limits.MaxOutgoingStanzaBytes = 4096);
        var error = await Assert.ThrowsAsync<StanzaTooLargeToSendException>(async () =>
            await component.SendAsync(new XElement("message", new XAttribute("to", "user@localhost"), new XElement("body", new string('x', 5000))), cancellationToken));
        Assert.That(error!.Limit, Is.EqualTo(4096));
        Assert.That(error.Size, Is.GreaterThan(5000));
        Assert.That(error.Message, Does.Contain("MaxOutgoingStanzaBytes"));

        // Escapes count as written: 600 quotes are 3,600 bytes, still under the limit.
        await component.SendAsync(new XElement("message", new XAttribute("to", "user@localhost"), new XAttribute("x", new string('"', 600))), cancellationToken);
        Assert.That((await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).Attribute("x")!.Value, Has.Length.EqualTo(600));
    }

    [Test]
    public async Task WhatTheServerDidNotConfirmGoesBackToTheQueueInOrder(CancellationToken cancellationToken)
    {
        await using FaultInjectingProxy proxy = FaultInjectingProxy.Start(Router.Host, Router.Port);
        await using TestComponent component = await ConnectedAsync(configure: o =>
        {
            Acknowledged(o);
            o.Port = proxy.Port;
        });
        await component.SendAsync(Message(0), cancellationToken);
        await TestComponent.Until(() => component.UnconfirmedCount == 0, null, "the first confirmed");
        await Router.ReceiveAsync(TimeSpan.FromSeconds(5));

        proxy.Stall(); // written to the socket, but the server never sees them
        for (int i = 1; i <= 10; i++) await component.SendAsync(Message(i), cancellationToken);
        await TestComponent.Until(() => component.OutboundBacklog == 0, null, "everything written");
        Assert.That(component.UnconfirmedCount, Is.EqualTo(10));
        proxy.DropAll();
        await TestComponent.Until(() => !component.IsReady, null, "the loss noticed");

        Assert.That(component.QueuedStanzas.Select(s => (int)s.Element("body")!), Is.EqualTo(Enumerable.Range(1, 10)), "all ten, in order");
        await component.ConnectAsync(Router.Host, Router.Port, cancellationToken);
        await component.PurgeQueueAsync(cancellationToken);
        for (int i = 1; i <= 10; i++) Assert.That((int)(await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).Element("body")!, Is.EqualTo(i));
    }

    [Test]
    public async Task WithoutAcknowledgedDeliveryWhatWasWrittenIsNotKept(CancellationToken cancellationToken)
    {
        await using FaultInjectingProxy proxy = FaultInjectingProxy.Start(Router.Host, Router.Port);
        await using TestComponent component = await ConnectedAsync(configure: o =>
        {
            o.Port = proxy.Port;
            o.Liveness.PingInterval = TimeSpan.Zero;
        });
        proxy.Stall();
        for (int i = 1; i <= 10; i++) await component.SendAsync(Message(i), cancellationToken);
        await TestComponent.Until(() => component.OutboundBacklog == 0, null, "everything written");
        proxy.DropAll();
        await TestComponent.Until(() => !component.IsReady, null, "the loss noticed");
        Assert.That(component.QueuedStanzas, Is.Empty, "the default guarantee ends at the socket");
        Assert.That(component.UnconfirmedCount, Is.Zero);
    }

    [Test]
    public async Task AServerThatClosedAfterOurShutdownProcessedEverything(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync(configure: Acknowledged);
        for (int i = 0; i < 200; i++) await component.SendAsync(Message(i), cancellationToken);
        await component.ShutdownAsync(cancellationToken);
        Assert.That(component.QueuedStanzas, Is.Empty, "nothing to send again");
        Assert.That(component.UnconfirmedCount, Is.Zero);
        for (int i = 0; i < 200; i++) Assert.That((int)(await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).Element("body")!, Is.EqualTo(i));
    }

    [Test]
    public async Task AcrossRepeatedDropsEveryStanzaArrivesExactlyOnceInOrder(CancellationToken cancellationToken)
    {
        const int Count = 3000;
        await using FaultInjectingProxy proxy = FaultInjectingProxy.Start(Router.Host, Router.Port);
        await using TestComponent receiver = await ConnectedAsync("echo2.localhost", o => o.Delivery.DuplicateWindow = 10_000);
        await using TestComponent sender = await ConnectedAsync(configure: o =>
        {
            Acknowledged(o);
            o.Port = proxy.Port;
            o.Delivery.PurgeQueueOnReady = true;
            o.Reconnect.Enabled = true;
            o.Reconnect.InitialDelay = TimeSpan.FromMilliseconds(20);
            o.Reconnect.MaxDelay = TimeSpan.FromMilliseconds(100);
        });

        Task sending = Task.Run(async () =>
        {
            for (int i = 0; i < Count; i++)
            {
                await sender.SendAsync(Message(i, "x@echo2.localhost"), cancellationToken);
                if (i % 50 == 0) await Task.Delay(1, cancellationToken);
            }
        }, cancellationToken);
        for (int drop = 0; drop < 5; drop++)
        {
            await Task.Delay(150, cancellationToken);
            if (drop % 2 == 0) proxy.ResetAll();
            else proxy.DropAll();
        }
        await sending;
        await receiver.WaitForMessagesAsync(Count, TimeSpan.FromSeconds(30));
        await TestComponent.Until(() => sender.UnconfirmedCount == 0 && sender.QueuedStanzas.Count == 0, null, "all confirmed");
        await Task.Delay(200, cancellationToken);

        Assert.That(sender.ReadyCount, Is.GreaterThan(1), "the connection really was lost and regained");
        Assert.That(receiver.Messages.Select(m => (int)m.Element("body")!), Is.EqualTo(Enumerable.Range(0, Count)), "exactly once, in order");
    }

    [Test]
    public async Task TheDuplicateFilterDropsARepeatedSenderAndOriginIdOnly(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync(configure: o => o.Delivery.DuplicateWindow = 2);
        XElement From(string from, string? originId, string body, string id = "same")
        {
            var message = new XElement("message", new XAttribute("from", from), new XAttribute("to", "echo.localhost"), new XAttribute("id", id), new XElement("body", body));
            if (originId is not null) message.Add(new XElement(XName.Get("origin-id", "urn:xmpp:sid:0"), new XAttribute("id", originId)));
            return message;
        }
        await Router.SendAsync(From("a@localhost", "1", "first"));
        await Router.SendAsync(From("a@localhost", "1", "repeat", id: "another id, the same origin-id"));
        await Router.SendAsync(From("b@localhost", "1", "other sender"));
        await Router.SendAsync(From("a@localhost", "2", "other origin-id"));
        await Router.SendAsync(From("c@localhost", "9", "pushes a/1 out of a window of 2"));
        await Router.SendAsync(From("a@localhost", "1", "outside the window"));
        await Router.SendAsync(From("a@localhost", null, "no origin-id, its id reused"));
        await Router.SendAsync(From("a@localhost", null, "no origin-id, its id reused"));
        await component.WaitForMessagesAsync(7);
        await Task.Delay(100, cancellationToken);
        Assert.That(component.Messages.Select(m => (string)m.Element("body")!), Is.EqualTo(new[]
        {
            "first", "other sender", "other origin-id", "pushes a/1 out of a window of 2", "outside the window",
            "no origin-id, its id reused", "no origin-id, its id reused",
        }));
    }

    [Test]
    public async Task StanzasThatMayBeSentAgainCarryAnOriginIdAndIqsDoNot(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync(configure: o => o.Delivery.Acknowledged = true);
        var sent = new XElement("message", new XAttribute("to", "a@localhost"), new XElement("body", "x"));
        await component.SendAsync(sent, cancellationToken);
        await component.SendAsync(new XElement("presence", new XAttribute("to", "a@localhost")), cancellationToken);
        await component.SendAsync(new XElement("iq", new XAttribute("type", "result"), new XAttribute("id", "r1"), new XAttribute("to", "a@localhost")), cancellationToken);
        var own = new XElement("message", new XAttribute("to", "a@localhost"), new XElement(XName.Get("origin-id", "urn:xmpp:sid:0"), new XAttribute("id", "mine")));
        await component.SendAsync(own, cancellationToken);

        XElement message = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        XElement presence = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        XElement iq = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        XElement kept = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.That(Guid.TryParse(message.OriginId(), out Guid guid) && guid.Version == 4, Is.True, "a random UUID");
        Assert.That(sent.OriginId(), Is.EqualTo(message.OriginId()), "the sender's element names the origin-id it was given");
        Assert.That(presence.OriginId(), Is.Not.Null.And.Not.EqualTo(message.OriginId()));
        Assert.That(iq.Elements(), Is.Empty, "an iq's payload is its only child");
        Assert.That(kept.OriginId(), Is.EqualTo("mine"), "the sender's own origin-id is kept");
        Assert.That(kept.Elements().Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task PendingRequestsAreSentAgainAfterALossWhenAskedTo(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync(configure: o =>
        {
            o.Delivery.ResendPendingRequests = true;
            o.Delivery.PurgeQueueOnReady = true;
        });
        Task<XElement> reply = component.RequestAsync(new XElement("iq", new XAttribute("type", "get"), new XAttribute("to", "user@localhost"),
            new XAttribute("from", "echo.localhost"), new XElement(XName.Get("query", "urn:example"))), cancellationToken: cancellationToken);
        XElement first = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));

        await Router.DisconnectAsync("echo.localhost");
        await TestComponent.Until(() => !component.IsReady, null, "the loss noticed");
        Assert.That(reply.IsCompleted, Is.False, "not failed: it waits to be sent again");
        await component.ConnectAsync(cancellationToken);
        XElement again = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.That(again.Id(), Is.EqualTo(first.Id()), "the same request, sent again");

        await Router.SendAsync(again.ResultFor());
        Assert.That((await reply.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken)).Type(), Is.EqualTo("result"));
    }

    [Test]
    public async Task ConfirmedBarriersLeaveNothingBehindWhateverTheTimeout(CancellationToken cancellationToken)
    {
        // One stanza at a time, so that nearly every stanza gets a barrier of its own. Each barrier is watched for
        // RequestTimeout; a watch left to expire instead of cancelled kept hundreds of bytes per barrier alive.
        BarrierCounter barriers = CountBarriers();
        await using TestComponent component = await ConnectedAsync(configure: o =>
        {
            Acknowledged(o);
            o.RequestTimeout = TimeSpan.FromMinutes(10);
            o.Delivery.CheckInterval = TimeSpan.Zero;
        });
        // Warm up long enough for most one-time growth (per-thread buffer caches of the threads that take the loop).
        await SendOneAtATimeAsync(component, 0, 20_000, cancellationToken);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        int barriersBefore = barriers.Count;
        await SendOneAtATimeAsync(component, 20_000, 40_000, cancellationToken);
        await TestComponent.Until(() => component.UnconfirmedCount == 0, null, "every stanza confirmed");
        long grown = GC.GetTotalMemory(forceFullCollection: true) - before;
        int confirmed = barriers.Count - barriersBefore;
        TestContext.Out.WriteLine($"live memory grew by {grown:N0} bytes over {confirmed:N0} confirmed barriers");
        Assert.That(confirmed, Is.GreaterThan(5000), "the test needs many barriers to mean anything");
        // The leak this guards against kept about 340 bytes per barrier (6.4 MB here). Below 150 bytes per barrier
        // leaves room for one-time growth: buffer caches of thread-pool threads that first take the event loop
        // during the measurement (socket completions run on the pool in tests).
        Assert.That(grown, Is.LessThan(confirmed * 150L), "nothing per barrier outlives its confirmation");
    }

    [Test]
    public async Task StanzasSentOneAtATimeShareADeliveryCheckPerInterval(CancellationToken cancellationToken)
    {
        BarrierCounter barriers = CountBarriers();
        await using TestComponent component = await ConnectedWithCheckIntervalAsync(TimeSpan.FromMilliseconds(500));

        await SendOneAtATimeAsync(component, 0, 200, cancellationToken);
        await TestComponent.Until(() => component.UnconfirmedCount == 0, null, "every stanza confirmed, by the check that waited");

        TestContext.Out.WriteLine($"{barriers.Count} barriers for 200 stanzas sent one at a time");
        Assert.That(barriers.Count, Is.InRange(1, 20), "one check per interval, not one per stanza");
    }

    [Test]
    public async Task ADeliveryCheckGoesOutAtOnceWhen256StanzasWaitForOne(CancellationToken cancellationToken)
    {
        BarrierCounter barriers = CountBarriers();
        await using TestComponent component = await ConnectedWithCheckIntervalAsync(TimeSpan.FromMinutes(10));

        await SendOneAtATimeAsync(component, 0, 600, cancellationToken);
        await TestComponent.Until(() => component.UnconfirmedCount < 256, null, "the checks made by count confirmed");

        Assert.That(barriers.Count, Is.InRange(2, 3), "the first check at once, then one per 256 stanzas");
        Assert.That(component.UnconfirmedCount, Is.GreaterThan(0), "the rest waits for the interval");
    }

    private Task<TestComponent> ConnectedWithCheckIntervalAsync(TimeSpan interval) => ConnectedAsync(configure: o =>
    {
        Acknowledged(o);
        o.Delivery.CheckInterval = interval;
    });

    private async Task SendOneAtATimeAsync(TestComponent component, int from, int to, CancellationToken cancellationToken)
    {
        for (int i = from; i < to; i++)
        {
            await component.SendAsync(Message(i), cancellationToken);
            await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        }
    }
}
