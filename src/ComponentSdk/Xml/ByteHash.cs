using System.Buffers.Binary;

namespace ComponentSdk.Xml;

/// <summary>
/// A fast hash of short byte strings (names, namespace URIs, attribute values) for the parser's fixed-size caches:
/// eight bytes per step instead of one, so a 40-byte namespace URI costs five multiplications, not forty.
/// Not for hash tables a peer can flood: the caches it serves replace entries rather than chain them.
/// </summary>
internal static class ByteHash
{
    private const ulong Multiplier = 0x9E3779B97F4A7C15;

    /// <summary>The hash of <paramref name="bytes"/>; every byte and the length count.</summary>
    public static uint Of(ReadOnlySpan<byte> bytes)
    {
        int length = bytes.Length;
        ulong hash;
        if (length >= 8)
        {
            hash = (ulong)length;
            int i = 0;
            for (; i + 8 < length; i += 8) hash = (hash ^ BinaryPrimitives.ReadUInt64LittleEndian(bytes[i..])) * Multiplier;
            hash ^= BinaryPrimitives.ReadUInt64LittleEndian(bytes[(length - 8)..]); // the last eight, overlapping
        }
        else if (length >= 4)
        {
            hash = BinaryPrimitives.ReadUInt32LittleEndian(bytes)
                | ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(bytes[(length - 4)..]) << 32);
            hash ^= (ulong)length << 59;
        }
        else
        {
            hash = length == 0 ? 0 : bytes[0] | ((ulong)bytes[length >> 1] << 8) | ((ulong)bytes[length - 1] << 16) | ((ulong)length << 24);
        }
        // A multiplication carries only upward: fold the high half down first, so that every input bit reaches
        // the low bits the caches index with.
        hash ^= hash >> 32;
        return (uint)((hash * Multiplier) >> 32);
    }
}
