using System.Xml.Linq;
using ComponentSdk.Transport;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Transport;

public class StreamManagementSessionTests
{
    private static StreamManagementSession NewSession() => new(Jid.Parse("alice@localhost/r"), "sm-1", null);

    private static XElement Message(int n) => new("message", new XAttribute("id", "m" + n));

    [Test]
    public void AnAckReleasesWhatItCoversAndCountsWrapAt32Bits()
    {
        StreamManagementSession session = NewSession();
        // Near the wrap: the server's h goes 4294967295 -> 0 -> 1 (XEP-0198 §4: counters are modulo 2^32).
        session.Acknowledge(uint.MaxValue - 1);
        for (int i = 0; i < 4; i++) session.OnSent(Message(i));
        Assert.That(session.Acknowledge(uint.MaxValue), Is.True);
        Assert.That(session.UnackedCount, Is.EqualTo(3));
        Assert.That(session.Acknowledge(1), Is.True);
        Assert.That(session.UnackedCount, Is.EqualTo(1));
        Assert.That(session.TakeUnacked().Single().Id(), Is.EqualTo("m3"));
    }

    [Test]
    public void AnAckForMoreThanWasSentIsReportedAndReleasesEverything()
    {
        StreamManagementSession session = NewSession();
        session.OnSent(Message(1));
        Assert.That(session.Acknowledge(5), Is.False);
        Assert.That(session.UnackedCount, Is.Zero);
    }

    [Test]
    public void ALivenessPingIsCountedButNeverSentAgain()
    {
        StreamManagementSession session = NewSession();
        session.OnSent(Message(1));
        session.OnSent(TransientStanza.Mark(new XElement("iq", new XAttribute("id", "liveness-1"))));
        session.OnSent(Message(2));
        Assert.That(session.TakeUnacked().Select(s => s.Id()), Is.EqualTo(new[] { "m1", "m2" }));
        Assert.That(session.LeftUnacked, Is.EqualTo(2));
        // The server had the first two (the message and the ping): only the second message is still to go.
        Assert.That(session.Resumed(2).Select(s => s.Id()), Is.EqualTo(new[] { "m1" }));
        Assert.That(session.Acknowledged, Is.EqualTo(2u));
    }

    [Test]
    public void AResumptionCountingMoreThanWasInFlightTakesItAll()
    {
        StreamManagementSession session = NewSession();
        session.OnSent(Message(1));
        session.TakeUnacked();
        Assert.That(session.Resumed(7).Select(s => s.Id()), Is.EqualTo(new[] { "m1" }));
    }
}
