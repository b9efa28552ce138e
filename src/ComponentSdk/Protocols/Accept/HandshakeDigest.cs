using System.Security.Cryptography;
using System.Text;

namespace ComponentSdk.Protocols.Accept;

/// <summary>The XEP-0114 handshake value: lower-case hex SHA-1 of the stream id followed by the shared secret (XEP-0114 §3).</summary>
public static class HandshakeDigest
{
    /// <summary>Computes the digest for <paramref name="streamId"/> and <paramref name="secret"/>.</summary>
    public static string Compute(string streamId, string secret)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        ArgumentNullException.ThrowIfNull(secret);
        byte[] hash = SHA1.HashData(Encoding.UTF8.GetBytes(streamId + secret));
        return Convert.ToHexStringLower(hash);
    }
}
