using System.Xml.Linq;

namespace ComponentSdk.Tests.Xml;

/// <summary>
/// A stream's framer and codec keep little of their own: the name and value caches are shared by every stream parsed
/// on a thread, so ten thousand connections on a few event loops do not hold ten thousand caches.
/// </summary>
[NonParallelizable]
public sealed class StreamMemoryTests
{
    private const string Header = "<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' id='s1' from='echo.localhost'>";
    private const string Stanza = "<iq type='result' id='p1' from='echo.localhost' to='c.localhost'><ping xmlns='urn:xmpp:ping'/></iq>";

    [Test]
    public void AThousandStreamsThatEachParsedAStanzaHoldLessThanEightKibibytesEach()
    {
        using (new XmlPipeline().Feed(Header + Stanza)) { } // what the thread pays once

        long before = GC.GetTotalMemory(forceFullCollection: true);
        var streams = new List<XmlPipeline>();
        for (int i = 0; i < 1000; i++)
        {
            XmlPipeline stream = new XmlPipeline().Feed(Header + Stanza);
            Assert.That(stream.Output.OfType<XElement>().Single().Name.LocalName, Is.EqualTo("iq"));
            streams.Add(stream);
        }
        double perStream = (GC.GetTotalMemory(forceFullCollection: true) - before) / 1024.0 / streams.Count;
        TestContext.Out.WriteLine($"{perStream:0.0} KiB per stream (framer, codec, channel and the parsed stanza)");
        Assert.That(perStream, Is.LessThan(8));
        streams.ForEach(s => s.Dispose());
    }
}
