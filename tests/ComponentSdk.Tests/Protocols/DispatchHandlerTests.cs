using System.Xml.Linq;
using ComponentSdk.Protocols.Accept;
using ComponentSdk.Transport;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Protocols;

public class DispatchHandlerTests
{
    private static StageHarness Ready()
    {
        var harness = new StageHarness(new ConnectionOptions { Host = "127.0.0.1", Port = 5347, Hostname = "echo.localhost", Password = "secret" }, c => new AcceptHandshake(c));
        harness.Receive("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:component:accept' id='x'><handshake/>");
        harness.Sent();
        return harness;
    }

    [Test]
    public void StanzasGoToTheObserverAndKeepalivesDoNot()
    {
        StageHarness harness = Ready();
        harness.Receive(" <message/>\n<presence/> ");
        Assert.That(harness.Observer.Stanzas.Select(s => s.Name.LocalName), Is.EqualTo(new[] { "message", "presence" }));
    }

    [Test]
    public void WhatIsSentDuringAReadGoesOutWhenTheReadCompletesNotInATaskBehindIt()
    {
        StageHarness harness = Ready();
        var pump = new OutboundPump(harness.Channel, harness.Context);
        pump.Enqueue(new XElement("message", new XAttribute("id", "reply")));
        Assert.That(harness.Sent(), Is.Empty, "queued as a task on the loop, not written yet");

        harness.Channel.Pipeline.FireChannelReadComplete();

        Assert.That(harness.Sent(), Is.EqualTo("<message id='reply'/>"), "written and flushed before the queued task runs");
        harness.Channel.RunPendingTasks();
        Assert.That(harness.Sent(), Is.Empty, "the queued task finds nothing left");
    }

    [Test]
    public void BadInputIsAnsweredWithTheStreamErrorThenTheClosingTag()
    {
        StageHarness harness = Ready();
        harness.Receive("<a><!-- no --></a>");
        Assert.That(harness.Sent(), Is.EqualTo("<stream:error><restricted-xml xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>"));
        Assert.That(harness.Channel.Open, Is.True, "open until the peer has read the error and closed (or the grace period ends)");
        harness.Receive("<message>discarded</message>");
        Assert.That(harness.Sent(), Is.Empty, "nothing more is said on a failed stream");
        harness.Channel.CloseAsync().Wait();
        Assert.That(harness.Observer.Closed, Is.True);
        Assert.That(harness.Observer.CloseError, Is.TypeOf<RestrictedXmlException>());
    }

    [Test]
    public void AStreamErrorFromThePeerClosesWithThatError()
    {
        StageHarness harness = Ready();
        harness.Receive("<stream:error><system-shutdown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>");
        Assert.That(harness.Observer.CloseError, Is.TypeOf<StreamErrorException>());
        Assert.That(((StreamErrorException)harness.Observer.CloseError!).Condition, Is.EqualTo(StreamErrorCondition.SystemShutdown));
        Assert.That(harness.Sent(), Is.EqualTo("</stream:stream>"));
    }

    [Test]
    public void AfterOurShutdownThePeersClosingTagIsExpected()
    {
        StageHarness harness = Ready();
        harness.Context.MarkLocalClose();
        harness.Receive("</stream:stream>");
        Assert.That(harness.Observer.Closed, Is.True);
        Assert.That(harness.Observer.CloseError, Is.Null, "a clean close");
    }
}
