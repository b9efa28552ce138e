using ComponentSdk.Dispatch;

namespace ComponentSdk.Tests.Dispatch;

public class OriginIdsTests
{
    [Test]
    public void IdsAreRandomVersion4UuidsAndNeverRepeat()
    {
        var seen = new HashSet<string>();
        for (int i = 0; i < 10_000; i++) // many refills of the random bytes
        {
            string id = OriginIds.Next();
            Assert.That(Guid.TryParseExact(id, "D", out Guid guid), Is.True, id);
            Assert.That(guid.Version, Is.EqualTo(4), id);
            Assert.That(guid.Variant >> 2, Is.EqualTo(0b10), $"{id}: the RFC 9562 variant");
            Assert.That(seen.Add(id), Is.True, $"{id} came twice");
        }
    }

    [Test]
    public async Task ThreadsDrawDifferentIds()
    {
        string[][] drawn = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Enumerable.Range(0, 1000).Select(_ => OriginIds.Next()).ToArray())));
        Assert.That(drawn.SelectMany(ids => ids).Distinct().Count(), Is.EqualTo(4000));
    }
}
