using System.Security.Cryptography;

namespace ComponentSdk.Dispatch;

/// <summary>
/// Random (version 4) UUIDs for XEP-0359 origin-ids, which must be unique and unpredictable and tell nothing, such as
/// how many stanzas were sent. Random bytes are drawn for 64 ids at a time: a new GUID per stanza cost a system call
/// each, about a twentieth of an echo's CPU under load. Not thread-safe: one instance per user, under its lock.
/// </summary>
internal sealed class OriginIds
{
    private const int IdBytes = 16;
    private readonly byte[] random = new byte[64 * IdBytes];
    private int next = 64 * IdBytes;

    /// <summary>A new id, in the usual 8-4-4-4-12 form.</summary>
    public string Next()
    {
        if (next == random.Length)
        {
            RandomNumberGenerator.Fill(random);
            next = 0;
        }
        Span<byte> bytes = random.AsSpan(next, IdBytes);
        next += IdBytes;
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 (the high nibble of the third group)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes).ToString("D");
    }
}
