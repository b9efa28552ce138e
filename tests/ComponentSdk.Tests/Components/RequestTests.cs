using System.Xml.Linq;
using ComponentSdk.Tests.Support;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Components;

[CancelAfter(20_000)]
public class RequestTests : RouterFixture
{
    /// <summary>A request to the server that the router leaves to the test to answer (it answers disco, ping and version itself).</summary>
    private static XElement Query(string? id = null)
    {
        var iq = new XElement("iq", new XAttribute("type", "get"), new XAttribute("to", "localhost"), new XAttribute("from", "echo.localhost"),
            new XElement(XName.Get("query", "jabber:iq:last")));
        if (id is not null) iq.SetAttributeValue("id", id);
        return iq;
    }

    [Test]
    public async Task TheReplyWithTheRequestsIdCompletesItAndSkipsFiltersAndHandlers(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync(configure: o => { });
        component.RaiseElementEvents = true;
        var recorder = new StatusRecorder(component);
        int filtered = 0;
        component.AddFilter("all", "/*", _ => Interlocked.Increment(ref filtered));

        XElement request = Query();
        Task<XElement> reply = component.RequestAsync(request, cancellationToken: cancellationToken);
        XElement sent = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.That(sent.Id(), Is.Not.Null.And.EqualTo(request.Id()), "a unique id was set on the request");
        Assert.That(component.PendingRequests, Is.EqualTo(new[] { sent.Id() }));

        await Router.SendAsync(new XElement("iq", new XAttribute("type", "result"), new XAttribute("id", sent.Id()!), new XAttribute("from", "localhost"), new XAttribute("to", "echo.localhost")));
        XElement answer = await reply;
        Assert.That(answer.Type(), Is.EqualTo("result"));
        Assert.That(component.PendingRequests, Is.Empty);
        await recorder.WaitForAsync(ConnectionStatus.RequestFinish);
        Assert.That(recorder.Statuses, Does.Not.Contain(ConnectionStatus.NodeReceived), "replies are not NodeReceived");
        List<ConnectionStatusEventArgs> events = [.. recorder.Events];
        int started = events.FindIndex(e => e.Status == ConnectionStatus.RequestStart);
        int sentIndex = events.FindIndex(e => e.Status == ConnectionStatus.NodeSent && e.Stanza?.Id() == sent.Id());
        Assert.That(started, Is.GreaterThanOrEqualTo(0).And.LessThan(sentIndex), "RequestStart comes before the request's NodeSent");
        Assert.That(filtered, Is.Zero);
        Assert.That(component.Iqs, Is.Empty);
    }

    [Test]
    public async Task ACallersIdIsKeptUnlessItIsAlreadyPending(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync();
        Task<XElement> first = component.RequestAsync(Query("mine"), cancellationToken: cancellationToken);
        XElement second = Query("mine");
        Task<XElement> secondReply = component.RequestAsync(second, cancellationToken: cancellationToken);

        Assert.That((await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).Id(), Is.EqualTo("mine"));
        string? freshId = (await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).Id();
        Assert.That(freshId, Is.Not.EqualTo("mine").And.EqualTo(second.Id()));

        await Router.SendAsync(Reply(freshId!, "second"));
        await Router.SendAsync(Reply("mine", "first"));
        Assert.That((string?)(await secondReply).Attribute("tag"), Is.EqualTo("second"), "each reply reaches its own request");
        Assert.That((string?)(await first).Attribute("tag"), Is.EqualTo("first"));
    }

    [Test]
    public async Task ASecondStanzaWithTheSameIdIsAnOrdinaryStanza(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync();
        Task<XElement> reply = component.RequestAsync(Query("once"), cancellationToken: cancellationToken);
        await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        await Router.SendAsync(Reply("once", "1"));
        await Router.SendAsync(Reply("once", "2"));
        Assert.That((string?)(await reply).Attribute("tag"), Is.EqualTo("1"));
        await TestComponent.Until(() => component.Iqs.Count == 1, null, "the second stanza in OnIqAsync");
        Assert.That((string?)component.Iqs.Single().Attribute("tag"), Is.EqualTo("2"));
    }

    [Test]
    public async Task NoReplyInTimeIsARequestTimeout(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync();
        var error = await Assert.ThrowsAsync<RequestTimeoutException>(() => component.RequestAsync(Query(), TimeSpan.FromMilliseconds(200), cancellationToken));
        Assert.That(error!.Timeout, Is.EqualTo(TimeSpan.FromMilliseconds(200)));
        Assert.That(error, Is.InstanceOf<TimeoutException>());
        Assert.That(component.PendingRequests, Is.Empty, "the entry is dropped");
    }

    [Test]
    public async Task CancellingTheWaitCancelsAndForgetsTheRequest(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<XElement> reply = component.RequestAsync(Query(), cancellationToken: cancel.Token);
        await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        await cancel.CancelAsync();
        await Assert.CatchAsync<OperationCanceledException>(() => reply);
        Assert.That(component.PendingRequests, Is.Empty);
    }

    [Test]
    public async Task ARequestMadeBeforeReadyIsQueuedAndAnsweredAfterThePurge(CancellationToken cancellationToken)
    {
        await using var component = new TestComponent(Router.OptionsFor("echo.localhost"));
        Task<XElement> reply = component.RequestAsync(Query("early"), cancellationToken: cancellationToken);
        Assert.That(component.QueuedStanzas, Has.Count.EqualTo(1));
        await component.ConnectAsync(cancellationToken);
        Assert.That(component.PendingRequests, Is.EqualTo(new[] { "early" }), "a request never sent keeps waiting");
        await component.PurgeQueueAsync(cancellationToken);
        Assert.That((await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).Id(), Is.EqualTo("early"));
        await Router.SendAsync(Reply("early", "late"));
        Assert.That((string?)(await reply).Attribute("tag"), Is.EqualTo("late"));
    }

    [Test]
    public async Task ARequestInFlightFailsWithConnectionLostWhenTheConnectionDrops(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync();
        Task<XElement> reply = component.RequestAsync(Query(), cancellationToken: cancellationToken);
        await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        await Router.DisconnectAsync("echo.localhost");
        await Assert.ThrowsAsync<ConnectionLostException>(() => reply);
        Assert.That(component.PendingRequests, Is.Empty);
    }

    [Test]
    public async Task ARequestQueuedWhileConnectedButNotReadyWaitsForThePurge(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync();
        await Router.DisconnectAsync("echo.localhost");
        await TestComponent.Until(() => !component.IsReady, null, "the drop");
        Task<XElement> reply = component.RequestAsync(Query("later"), cancellationToken: cancellationToken);
        Assert.That(component.QueuedStanzas, Has.Count.EqualTo(1));
        Assert.That(reply.IsCompleted, Is.False);
    }

    [Test]
    public async Task AReplyCompletesItsRequestOnlyFromTheRecipientAndOnlyAsAResultOrAnError(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync();
        Task<XElement> reply = component.RequestAsync(Query(), cancellationToken: cancellationToken);
        string id = (await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).Id()!;

        // Forgeries: the right id from someone else, with a domain that only looks alike, without 'from', or not a reply at all.
        await Router.SendAsync(Reply(id, "forged").WithFrom("mallory@localhost"));
        await Router.SendAsync(Reply(id, "lookalike").WithFrom("localhost.evil"));
        await Router.SendAsync(Reply(id, "anonymous").WithFrom(null));
        await Router.SendAsync(Reply(id, "a-request").WithType("set"));
        await TestComponent.Until(() => component.Iqs.Count == 4, null, "the forgeries, as ordinary traffic");
        Assert.That(reply.IsCompleted, Is.False, "none of them is the reply");

        await Router.SendAsync(Reply(id, "real").WithFrom("LocalHost"));
        Assert.That((string?)(await reply).Attribute("tag"), Is.EqualTo("real"), "the recipient's answer, its domain in any case");
    }

    [Test]
    public async Task RequestIdsCarryAtLeast64RandomBits(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync();
        var ids = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            _ = component.RequestAsync(Query(), cancellationToken: cancellationToken);
            ids.Add((await Router.ReceiveAsync(TimeSpan.FromSeconds(5))).Id()!);
        }
        Assert.That(ids, Is.All.Match("^[0-9a-f]{24}$"), "96 bits in hex");
        Assert.That(ids.Select(i => i[..8]).Distinct().Count(), Is.EqualTo(3), "no shared prefix or counter to guess from");
    }

    private static XElement Reply(string id, string tag) =>
        new("iq", new XAttribute("type", "result"), new XAttribute("id", id), new XAttribute("tag", tag), new XAttribute("from", "localhost"), new XAttribute("to", "echo.localhost"));
}

file static class ReplyForgery
{
    public static XElement WithFrom(this XElement stanza, string? from)
    {
        stanza.SetAttributeValue("from", from);
        return stanza;
    }

    public static XElement WithType(this XElement stanza, string type)
    {
        stanza.SetAttributeValue("type", type);
        return stanza;
    }
}
