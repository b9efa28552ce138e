using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace ComponentSdk.Dispatch;

/// <summary>
/// Remembers the (sender, XEP-0359 origin-id) of the last <c>capacity</c> stanzas received that carried one, so that a
/// stanza sent again after a reconnect (acknowledged delivery re-sends what was not confirmed, with the same
/// origin-id) is handled once. Only the origin-id counts: a sender may reuse a stanza's <c>id</c> (RFC 6120 §8.1.3),
/// so a stanza without an origin-id or a sender is never taken for a duplicate.
/// </summary>
/// <remarks>
/// Only a 64-bit hash of each pair is kept: holding the strings themselves would keep every stanza's id alive for
/// the whole window and push them all into older GC generations, which cost a quarter of the throughput under load.
/// Two different pairs share a hash with odds of about one in 10^11 for a window of 10,000. The hash is seeded at
/// random per filter, so a peer cannot compute ids that collide with another sender's or crowd one slot of the table.
/// </remarks>
internal sealed class DuplicateFilter(int capacity)
{
    private readonly HashKeySet seen = new(capacity);
    private readonly ulong[] order = new ulong[capacity];
    private readonly long seed = Random.Shared.NextInt64();
    private readonly object gate = new();
    private int next;
    private int count;

    /// <summary>True the first time a (sender, origin-id) is seen within the window; false for a repeat.</summary>
    public bool IsFirst(string? from, string? id)
    {
        if (string.IsNullOrEmpty(from) || string.IsNullOrEmpty(id)) return true;
        ulong key = Hash(from, id);
        lock (gate)
        {
            if (!seen.Add(key)) return false;
            if (count == capacity) seen.Remove(order[next]);
            else count++;
            order[next] = key;
            next = (next + 1) % capacity;
            return true;
        }
    }

    private ulong Hash(string from, string id)
    {
        int length = from.Length + 1 + id.Length;
        Span<char> pair = length <= 256 ? stackalloc char[length] : new char[length];
        from.CopyTo(pair);
        pair[from.Length] = '\0'; // XML text never holds U+0000, so ("ab", "c") and ("a", "bc") differ
        id.CopyTo(pair[(from.Length + 1)..]);
        return XxHash3.HashToUInt64(MemoryMarshal.AsBytes(pair), seed);
    }
}
