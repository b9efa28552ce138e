using ComponentSdk.Dispatch;

namespace ComponentSdk.Tests.Dispatch;

public class DuplicateFilterTests
{
    [Test]
    public void ARepeatWithinTheWindowIsDroppedAndForgottenOnceItLeavesIt()
    {
        var filter = new DuplicateFilter(3);
        Assert.That(new[] { filter.IsFirst("a@x", "1"), filter.IsFirst("a@x", "2"), filter.IsFirst("b@x", "1") }, Is.All.True);
        Assert.That(filter.IsFirst("a@x", "1"), Is.False, "a repeat");
        Assert.That(filter.IsFirst("c@x", "9"), Is.True, "pushes (a@x, 1) out of the window");
        Assert.That(filter.IsFirst("a@x", "1"), Is.True, "outside the window it is new again");
        Assert.That(filter.IsFirst("a@x", "2"), Is.True, "and (a@x, 2) was pushed out by it");
        Assert.That(filter.IsFirst("c@x", "9"), Is.False);
    }

    [Test]
    public void TheSenderAndIdAreNotConfusedAcrossTheirBoundary()
    {
        var filter = new DuplicateFilter(10);
        Assert.That(filter.IsFirst("ab", "c"), Is.True);
        Assert.That(filter.IsFirst("a", "bc"), Is.True);
        Assert.That(filter.IsFirst("ab", "c"), Is.False);
    }

    [Test]
    public void StanzasWithoutSenderOrIdAreNeverDuplicates()
    {
        var filter = new DuplicateFilter(10);
        for (int i = 0; i < 3; i++)
        {
            Assert.That(filter.IsFirst(null, "1"), Is.True);
            Assert.That(filter.IsFirst("a@x", ""), Is.True);
        }
    }

    [Test]
    public void LongSendersAndIdsWork()
    {
        var filter = new DuplicateFilter(10);
        string from = new('f', 500), id = new('i', 500);
        Assert.That(filter.IsFirst(from, id), Is.True);
        Assert.That(filter.IsFirst(from, id), Is.False);
        Assert.That(filter.IsFirst(from, id + "x"), Is.True);
    }
}
