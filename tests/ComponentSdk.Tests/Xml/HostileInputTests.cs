using System.Text;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Xml;

/// <summary>Floods of made-up names: refused in linear time, and the names kept by the process stay bounded.</summary>
[NonParallelizable]
public class HostileInputTests
{
    private const string Header = "<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' from='echo.localhost' id='s1'>";

    [TearDown]
    public void ForgetTheNames() => PeerNames.Reset();

    /// <summary>About <paramref name="bytes"/> (at least one element) of a stanza whose elements carry <paramref name="perElement"/> made-up attributes each.</summary>
    private static string Flood(string tag, int bytes, int perElement)
    {
        var text = new StringBuilder("<message to='a@echo.localhost'>");
        int n = 0;
        while (n == 0 || text.Length < bytes - 64 - perElement * (tag.Length + 12))
        {
            text.Append("<x xmlns='urn:flood'");
            for (int i = 0; i < perElement; i++) text.Append(" a").Append(tag).Append('_').Append(n++).Append("=''");
            text.Append("/>");
        }
        return text.Append("</message>").ToString();
    }

    [Test]
    public void AnElementWithTooManyAttributesIsRefusedBeforeAnyOfTheirNamesIsMade()
    {
        using var p = new XmlPipeline().Feed(Header);
        int before = PeerNames.Count;
        p.Feed(Flood("one", 250_000, perElement: 15_000));
        Assert.That(p.Error, Is.TypeOf<TooManyAttributesException>().With.Property("Condition").EqualTo(StreamErrorCondition.PolicyViolation));
        Assert.That(PeerNames.Count, Is.EqualTo(before), "no name was made");
    }

    [Test]
    public void AnElementAtTheLimitIsFine()
    {
        using var p = new XmlPipeline().Feed(Header + Flood("ok", 2_000, perElement: XmlLimits.DefaultMaxAttributes - 1));
        Assert.That(p.Error, Is.Null);
        Assert.That(p.Stanzas.Single().Elements().First().Attributes().Count(), Is.EqualTo(XmlLimits.DefaultMaxAttributes - 1), "and its namespace declaration");
    }

    [Test]
    public void MadeUpNamesAreBoundedForTheWholeProcess()
    {
        int capacity = PeerNames.Capacity;
        PeerNames.Capacity = PeerNames.Count + 500;
        try
        {
            using var p = new XmlPipeline().Feed(Header + Flood("spread", 30_000, perElement: 50));
            Assert.That(p.Error, Is.InstanceOf<StreamViolationException>().With.Property("Condition").EqualTo(StreamErrorCondition.PolicyViolation));
            Assert.That(p.Error!.Message, Does.Contain("distinct element and attribute names"));
            Assert.That(PeerNames.Count, Is.LessThanOrEqualTo(PeerNames.Capacity));

            using var ordinary = new XmlPipeline().Feed(Header + "<message to='a@echo.localhost'><body>known names still work</body></message>");
            Assert.That(ordinary.Error, Is.Null);
        }
        finally
        {
            PeerNames.Capacity = capacity;
        }
    }

    [Test]
    public void AStanzaInventingNamesByTheThousandIsRefused()
    {
        using var p = new XmlPipeline().Feed(Header + Flood("many", 60_000, perElement: 50));
        Assert.That(p.Error, Is.InstanceOf<StreamViolationException>().With.Property("Condition").EqualTo(StreamErrorCondition.PolicyViolation));
        Assert.That(p.Error!.Message, Does.Contain($"more than {NameCache.MaxNewNamesPerStanza} element and attribute names never seen before"));

        // The same stanza shape with names it has seen is an ordinary, if large, stanza.
        using var known = new XmlPipeline().Feed(Header + Flood("many", 20_000, perElement: 50));
        Assert.That(known.Error, Is.Null);
    }

    [Test]
    public void AThousandFloodsLeaveTheProcessLessThanFiveMebibytesLarger()
    {
        PeerNames.Reset();
        long before = GC.GetTotalMemory(forceFullCollection: true);
        for (int i = 0; i < 1000; i++)
        {
            using var p = new XmlPipeline().Feed(Header + Flood("m" + i, 250_000, perElement: 100));
            Assert.That(p.Error, Is.InstanceOf<StreamViolationException>(), $"flood {i}");
        }
        long grown = GC.GetTotalMemory(forceFullCollection: true) - before;
        TestContext.Out.WriteLine($"{grown / 1024.0:N0} KiB more after 1,000 floods of 250 KB; {PeerNames.Count} names kept");
        Assert.That(grown, Is.LessThan(5 * 1024 * 1024));
    }
}
