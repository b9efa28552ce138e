using System.Text;
using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Xml;

public class RoundTripTests
{
    private const string AcceptHeader = "<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' id='s1'>";

    [Test]
    public void DecodeOfEncodeGivesTheSameElement([Values(1, 2, 3, 4)] int seed)
    {
        var generator = new StanzaGenerator(seed);
        for (int i = 0; i < 1000; i++)
        {
            XElement stanza = generator.Stanza();
            string encoded = XmlStanzaCodecTests.Encode(stanza);

            using var p = new XmlPipeline().Feed(AcceptHeader + encoded);
            Assert.That(p.Error, Is.Null, $"#{i}: {encoded}");
            XElement decoded = p.Stanzas.Single();
            Assert.That(XNode.DeepEquals(stanza, decoded), Is.True, $"#{i}\nsent:    {stanza}\nwire:    {encoded}\ndecoded: {decoded}");
        }
    }

    [Test]
    public void ManyStanzasInOneStreamSurviveRandomChunking()
    {
        var generator = new StanzaGenerator(99);
        var stanzas = Enumerable.Range(0, 300).Select(_ => generator.Stanza()).ToList();
        var wire = new StringBuilder(AcceptHeader);
        foreach (XElement stanza in stanzas) wire.Append(XmlStanzaCodecTests.Encode(stanza)).Append(' ');
        byte[] bytes = Encoding.UTF8.GetBytes(wire.ToString());

        var random = new Random(7);
        using var p = new XmlPipeline().Feed(bytes, Enumerable.Range(0, bytes.Length).Select(_ => random.Next(1, 200)));
        Assert.That(p.Error, Is.Null);
        List<XElement> decoded = p.Stanzas.ToList();
        Assert.That(decoded, Has.Count.EqualTo(stanzas.Count));
        for (int i = 0; i < stanzas.Count; i++)
        {
            Assert.That(XNode.DeepEquals(stanzas[i], decoded[i]), Is.True, $"#{i}");
        }
    }
}
