using ComponentSdk.Dispatch;

namespace ComponentSdk.Tests.Dispatch;

public class HashKeySetTests
{
    /// <summary>
    /// Random adds and removals, against <see cref="HashSet{T}"/>: keys from a small range crowd a small table, so
    /// probe runs are long, wrap around its end, and removals must move later keys back into the holes they leave.
    /// </summary>
    [Test]
    public void BehavesAsAHashSetUnderCrowdedAddsAndRemovals([Values(1, 2, 3)] int seed)
    {
        var random = new Random(seed);
        var set = new HashKeySet(16); // 32 slots
        var model = new HashSet<ulong>();
        var present = new List<ulong>();
        for (int step = 0; step < 20_000; step++)
        {
            ulong key = (ulong)random.Next(1, 200) * (random.Next(2) == 0 ? 1UL : 32UL); // many share a home slot (0 would be 1)
            if (present.Count < 16 && random.Next(3) != 0)
            {
                bool added = set.Add(key);
                Assert.That(added, Is.EqualTo(model.Add(key)), $"step {step}: add {key}");
                if (added) present.Add(key);
            }
            else if (present.Count > 0)
            {
                ulong removed = random.Next(5) == 0 ? key : present[random.Next(present.Count)];
                set.Remove(removed);
                model.Remove(removed);
                present.Remove(removed);
            }
            foreach (ulong k in present) Assert.That(set.Add(k), Is.False, $"step {step}: {k} was lost");
        }
    }

    [Test]
    public void ZeroIsAKeyLikeAnyOther()
    {
        var set = new HashKeySet(4);
        Assert.That(set.Add(0), Is.True);
        Assert.That(set.Add(0), Is.False);
        set.Remove(0);
        Assert.That(set.Add(0), Is.True);
    }
}
