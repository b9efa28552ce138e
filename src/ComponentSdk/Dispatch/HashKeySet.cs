namespace ComponentSdk.Dispatch;

/// <summary>
/// A fixed-capacity set of 64-bit hashes: open addressing with linear probing in a power-of-two table at most half
/// full, so an add, a lookup or a removal touches one or two cache lines where <see cref="HashSet{T}"/> touches a
/// bucket and an entry. The keys must already be well-mixed hashes (their low bits pick the slot); zero is stored as
/// one, which only merges two hashes that already collide with odds of one in 2^64.
/// </summary>
internal sealed class HashKeySet
{
    private readonly ulong[] slots;
    private readonly int mask;

    /// <summary>Creates a set for at most <paramref name="capacity"/> keys at a time.</summary>
    public HashKeySet(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        slots = new ulong[Math.Max(4, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity * 2))];
        mask = slots.Length - 1;
    }

    /// <summary>Adds <paramref name="key"/>; false when it was already there.</summary>
    public bool Add(ulong key)
    {
        key = key == 0 ? 1 : key;
        int i = (int)key & mask;
        while (slots[i] != 0)
        {
            if (slots[i] == key) return false;
            i = (i + 1) & mask;
        }
        slots[i] = key;
        return true;
    }

    /// <summary>Removes <paramref name="key"/> if it is there.</summary>
    public void Remove(ulong key)
    {
        key = key == 0 ? 1 : key;
        int hole = (int)key & mask;
        while (slots[hole] != key)
        {
            if (slots[hole] == 0) return;
            hole = (hole + 1) & mask;
        }

        // Backward-shift deletion: move later keys of the probe run into the hole when their home slot allows,
        // so that lookups never stop early at a slot that was emptied.
        int next = hole;
        while (true)
        {
            next = (next + 1) & mask;
            ulong moved = slots[next];
            if (moved == 0) break;
            int home = (int)moved & mask;
            bool reachable = hole <= next ? home <= hole || home > next : home <= hole && home > next;
            if (!reachable) continue;
            slots[hole] = moved;
            hole = next;
        }
        slots[hole] = 0;
    }
}
