using ComponentSdk.Xml;
using NUnit.Framework;

namespace ComponentSdk.Tests.Xml;

public class ByteHashTests
{
    [Test]
    public void EveryByteAndTheLengthCount()
    {
        var random = new Random(7);
        for (int length = 0; length <= 70; length++)
        {
            byte[] bytes = new byte[length];
            random.NextBytes(bytes);
            uint original = ByteHash.Of(bytes);
            for (int i = 0; i < length; i++)
            {
                for (int bit = 0; bit < 8; bit++)
                {
                    bytes[i] ^= (byte)(1 << bit);
                    Assert.That(ByteHash.Of(bytes), Is.Not.EqualTo(original), $"length {length}, byte {i}, bit {bit}");
                    bytes[i] ^= (byte)(1 << bit);
                }
            }
            if (length > 0) Assert.That(ByteHash.Of(bytes.AsSpan(0, length - 1)), Is.Not.EqualTo(original), $"length {length} shortened");
        }
    }

    [Test]
    public void DependsOnContentNotOnWhereItLies()
    {
        byte[] a = "xx http://jabber.org/protocol/chatstates"u8.ToArray();
        byte[] b = "http://jabber.org/protocol/chatstates yy"u8.ToArray();
        Assert.That(ByteHash.Of(a.AsSpan(3)), Is.EqualTo(ByteHash.Of(b.AsSpan(0, b.Length - 3))));
    }

    [Test]
    public void SpreadsSimilarNamesOverTheCacheSlots()
    {
        // Names that differ in one character, as element names and ids do, must not pile up in a few slots.
        var slots = new HashSet<uint>();
        for (int i = 0; i < 1000; i++) slots.Add(ByteHash.Of(System.Text.Encoding.ASCII.GetBytes($"m{i:D6}")) & 1023);
        Assert.That(slots, Has.Count.GreaterThan(550), "a random spread of 1,000 keys over 1,024 slots fills about 630");
    }
}
