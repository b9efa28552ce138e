using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ComponentSdk.Xml;

/// <summary>
/// Finds, 64 bytes at a time, the bytes that matter for framing: <c>&lt; &gt; " ' &amp; /</c>, every byte below
/// 0x20 (controls, checked by the caller) and 0xEF (the lead byte of U+FFFE and U+FFFF). Bit i of the result is
/// set when byte i of the block is one of them.
/// </summary>
internal static class StructuralMask
{
    public const int BlockSize = 64;

    /// <summary>The mask of <paramref name="block"/>, which may be shorter than <see cref="BlockSize"/>.</summary>
    public static ulong Of(ReadOnlySpan<byte> block)
    {
        if (block.Length >= BlockSize)
        {
            ref byte start = ref MemoryMarshal.GetReference(block);
            if (Vector256.IsHardwareAccelerated)
            {
                return Mask(Vector256.LoadUnsafe(ref start)) | ((ulong)Mask(Vector256.LoadUnsafe(ref start, 32)) << 32);
            }
            if (Vector128.IsHardwareAccelerated)
            {
                return Mask(Vector128.LoadUnsafe(ref start))
                    | ((ulong)Mask(Vector128.LoadUnsafe(ref start, 16)) << 16)
                    | ((ulong)Mask(Vector128.LoadUnsafe(ref start, 32)) << 32)
                    | ((ulong)Mask(Vector128.LoadUnsafe(ref start, 48)) << 48);
            }
        }

        ulong mask = 0;
        int length = Math.Min(block.Length, BlockSize);
        for (int i = 0; i < length; i++)
        {
            if (IsStructural(block[i])) mask |= 1UL << i;
        }
        return mask;
    }

    public static bool IsStructural(byte b) =>
        b is (byte)'<' or (byte)'>' or (byte)'"' or (byte)'\'' or (byte)'&' or (byte)'/' or < 0x20 or 0xEF;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Mask(Vector256<byte> v)
    {
        Vector256<byte> hits =
            Vector256.Equals(v, Vector256.Create((byte)'<'))
            | Vector256.Equals(v, Vector256.Create((byte)'>'))
            | Vector256.Equals(v, Vector256.Create((byte)'"'))
            | Vector256.Equals(v, Vector256.Create((byte)'\''))
            | Vector256.Equals(v, Vector256.Create((byte)'&'))
            | Vector256.Equals(v, Vector256.Create((byte)'/'))
            | Vector256.LessThan(v, Vector256.Create((byte)0x20))
            | Vector256.Equals(v, Vector256.Create((byte)0xEF));
        return hits.ExtractMostSignificantBits();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mask(Vector128<byte> v)
    {
        Vector128<byte> hits =
            Vector128.Equals(v, Vector128.Create((byte)'<'))
            | Vector128.Equals(v, Vector128.Create((byte)'>'))
            | Vector128.Equals(v, Vector128.Create((byte)'"'))
            | Vector128.Equals(v, Vector128.Create((byte)'\''))
            | Vector128.Equals(v, Vector128.Create((byte)'&'))
            | Vector128.Equals(v, Vector128.Create((byte)'/'))
            | Vector128.LessThan(v, Vector128.Create((byte)0x20))
            | Vector128.Equals(v, Vector128.Create((byte)0xEF));
        return hits.ExtractMostSignificantBits();
    }
}
