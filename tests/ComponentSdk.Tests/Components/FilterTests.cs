using System.Collections.Concurrent;
using System.Xml.Linq;
using ComponentSdk.Dispatch;
using ComponentSdk.Tests.Support;

namespace ComponentSdk.Tests.Components;

[CancelAfter(20_000)]
public class FilterTests : RouterFixture
{
    private static XElement Chat(string body, string type = "chat") =>
        new("message", new XAttribute("to", "x@echo.localhost"), new XAttribute("from", "alice@localhost/r"), new XAttribute("type", type),
            new XElement("body", body), new XElement(XName.Get("active", "http://jabber.org/protocol/chatstates")));

    [Test]
    public async Task FiltersRunInOrderEachWithAllItsMatchesBeforeTheHandlers(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync();
        var fired = new ConcurrentQueue<string>();
        component.AddFilter("chat", "/message[@type='chat']/body", m => fired.Enqueue($"chat:{m.Matches.Count}:{((XElement)m.Matches[0]).Value}"));
        component.AddFilter("self", "self::message", m => fired.Enqueue($"self:{m.Matches.Count}"));
        component.AddFilter("children", "child::*", m => fired.Enqueue($"children:{m.Matches.Count}"));
        component.AddFilter("attr", "@from", m => fired.Enqueue($"attr:{((XAttribute)m.Matches[0]).Value}"));
        component.AddFilter("never", "/presence", m => fired.Enqueue("never"));

        await Router.SendAsync(Chat("hi"));
        await component.WaitForMessagesAsync(1);

        Assert.That(fired, Is.EqualTo(new[] { "chat:1:hi", "self:1", "children:2", "attr:alice@localhost/r" }));
    }

    [Test]
    public async Task PayloadNamespacesAreMatchedThroughPrefixes(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync();
        FilterMatch? match = null;
        component.AddFilter("state", "/message/cs:active", m => match = m, new Dictionary<string, string> { ["cs"] = "http://jabber.org/protocol/chatstates" });
        await Router.SendAsync(Chat("hi"));
        await component.WaitForMessagesAsync(1);
        Assert.That(match, Is.Not.Null);
        Assert.That(match!.Name, Is.EqualTo("state"));
        Assert.That(match.Stanza.Name.LocalName, Is.EqualTo("message"));
    }

    [Test]
    public async Task TheSameNameTwiceFiresTwiceAndRemovingTheNameRemovesBoth(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync();
        int count = 0;
        component.AddFilter("dup", "/message", _ => Interlocked.Increment(ref count));
        component.AddFilter("dup", "//body", _ => Interlocked.Increment(ref count));
        int other = 0;
        component.AddFilter("other", "/message", _ => Interlocked.Increment(ref other));

        await Router.SendAsync(Chat("1"));
        await component.WaitForMessagesAsync(1);
        Assert.That(count, Is.EqualTo(2));

        Assert.That(component.RemoveFilter("dup"), Is.EqualTo(2));
        Assert.That(component.RemoveFilter("unknown"), Is.Zero);
        await Router.SendAsync(Chat("2"));
        await component.WaitForMessagesAsync(2);
        Assert.That(count, Is.EqualTo(2));
        Assert.That(other, Is.EqualTo(2));
    }

    [Test]
    public async Task BooleanExpressionsFireWhenTrueAndNumbersNever(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync();
        var fired = new ConcurrentQueue<string>();
        component.AddFilter("bool", "boolean(/message/body)", m => fired.Enqueue($"bool:{m.Matches.Count}"));
        component.AddFilter("false", "boolean(/iq)", _ => fired.Enqueue("false"));
        component.AddFilter("count", "count(/message/*)", _ => fired.Enqueue("count"));
        await Router.SendAsync(Chat("hi"));
        await component.WaitForMessagesAsync(1);
        Assert.That(fired, Is.EqualTo(new[] { "bool:0" }));
    }

    [TestCase("/message[", TestName = "unbalanced bracket")]
    [TestCase("/x:message", TestName = "undeclared prefix")]
    [TestCase("", TestName = "empty")]
    public void AnInvalidExpressionIsRejectedWhenAdded(string xpath)
    {
        var component = new Component(new ConnectionOptions { Host = "127.0.0.1", Port = 1, Hostname = "x.localhost", Password = "p" });
        Assert.Throws<ArgumentException>(() => component.AddFilter("bad", xpath, _ => { }));
    }

    [Test]
    public async Task FiltersSurviveReconnectsAndAFailingFilterDoesNotStopTheOthers(CancellationToken cancellationToken)
    {
        await using TestComponent component = await ConnectedAsync();
        int count = 0;
        component.AddFilter("boom", "/message", _ => throw new InvalidOperationException("filter failure"));
        component.AddFilter("count", "/message", _ => Interlocked.Increment(ref count));
        await component.ReconnectAsync(cancellationToken: cancellationToken);

        await Router.SendAsync(Chat("after"));
        await component.WaitForMessagesAsync(1);
        Assert.That(count, Is.EqualTo(1));
    }
}
