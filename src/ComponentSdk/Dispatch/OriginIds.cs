using System.Security.Cryptography;

namespace ComponentSdk.Dispatch;

/// <summary>
/// Random (version 4) UUIDs for XEP-0359 origin-ids, which must be unique and unpredictable and tell nothing, such as
/// how many stanzas were sent. A new GUID per stanza cost a system call each; here each thread draws random bytes for
/// 256 ids at a time, so the cost is a copy, and ten thousand connections hold no buffer of their own.
/// </summary>
internal static class OriginIds
{
    private const int IdBytes = 16;
    private const int BufferBytes = 256 * IdBytes;

    [ThreadStatic]
    private static byte[]? random;
    [ThreadStatic]
    private static int next;

    /// <summary>A new id.</summary>
    public static Guid Next()
    {
        byte[] bytes = random ??= new byte[BufferBytes];
        if (next == 0 || next == BufferBytes)
        {
            RandomNumberGenerator.Fill(bytes);
            next = 0;
        }
        Span<byte> id = bytes.AsSpan(next, IdBytes);
        next += IdBytes;
        id[7] = (byte)((id[7] & 0x0F) | 0x40); // version 4 (the high nibble of the third group)
        id[8] = (byte)((id[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(id);
    }
}
