using ComponentSdk.Dispatch;

namespace ComponentSdk.Tests.Dispatch;

public class OriginIdsTests
{
    [Test]
    public void IdsAreRandomVersion4UuidsAndNeverRepeat()
    {
        var seen = new HashSet<Guid>();
        for (int i = 0; i < 10_000; i++) // many refills of the random bytes
        {
            Guid guid = OriginIds.Next();
            string id = guid.ToString("D");
            Assert.That(guid.Version, Is.EqualTo(4), id);
            Assert.That(guid.Variant >> 2, Is.EqualTo(0b10), $"{id}: the RFC 9562 variant");
            Assert.That(seen.Add(guid), Is.True, $"{id} came twice");
        }
    }

    [Test]
    public async Task ThreadsDrawDifferentIds()
    {
        Guid[][] drawn = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Enumerable.Range(0, 1000).Select(_ => OriginIds.Next()).ToArray())));
        Assert.That(drawn.SelectMany(ids => ids).Distinct().Count(), Is.EqualTo(4000));
    }
}
