using System.Security.Cryptography;
using System.Text;

namespace ComponentSdk.Sasl;

/// <summary>
/// DIGEST-MD5 (RFC 2831), obsolete (RFC 6331) but the only mechanism jabberd2 offers. The server's <c>rspauth</c>
/// is verified, whether it comes in a second challenge or in <c>&lt;success/&gt;</c> (as jabberd2's router sends it).
/// </summary>
#pragma warning disable CA5351 // MD5 is what the mechanism is defined with; it is never chosen over SCRAM.
internal sealed class DigestMd5Mechanism(string username, string password, string host, string? clientNonce = null, string service = "xmpp") : ISaslMechanism
{
    private readonly string cnonce = clientNonce ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    private string? expectedRspAuth;
    private bool verified;

    public string Name => "DIGEST-MD5";

    public byte[]? InitialResponse() => null;

    public byte[] Respond(byte[] challenge)
    {
        Dictionary<string, string> fields = Parse(Encoding.UTF8.GetString(challenge));
        if (fields.TryGetValue("rspauth", out string? rspauth))
        {
            Verify(rspauth);
            return [];
        }
        if (!fields.TryGetValue("nonce", out string? nonce)) throw new SaslException("DIGEST-MD5: the challenge has no nonce.");
        if (fields.TryGetValue("qop", out string? qop) && !qop.Split(',').Select(q => q.Trim()).Contains("auth"))
            throw new SaslException("DIGEST-MD5: the server does not offer qop=auth.");
        if (fields.TryGetValue("algorithm", out string? algorithm) && algorithm != "md5-sess") throw new SaslException("DIGEST-MD5: unknown algorithm.");

        // jabberd2's router insists on a realm in the response; the challenge's realm, else the host.
        string realm = fields.TryGetValue("realm", out string? r) ? r : host;
        string digestUri = service + "/" + host;
        const string nc = "00000001";
        byte[] userHash = MD5.HashData(Encoding.UTF8.GetBytes($"{username}:{realm}:{password}"));
        byte[] a1 = [.. userHash, .. Encoding.UTF8.GetBytes($":{nonce}:{cnonce}")];
        string ha1 = Hex(MD5.HashData(a1));
        string response = Kd(ha1, nonce, nc, Hex(MD5.HashData(Encoding.UTF8.GetBytes("AUTHENTICATE:" + digestUri))));
        expectedRspAuth = Kd(ha1, nonce, nc, Hex(MD5.HashData(Encoding.UTF8.GetBytes(":" + digestUri))));

        string reply = string.Join(",",
            $"username={Quote(username)}", $"realm={Quote(realm)}", $"nonce={Quote(nonce)}", $"cnonce={Quote(cnonce)}",
            $"nc={nc}", "qop=auth", $"digest-uri={Quote(digestUri)}", $"response={response}", "charset=utf-8");
        return Encoding.UTF8.GetBytes(reply);

        string Kd(string key, string n, string count, string ha2) =>
            Hex(MD5.HashData(Encoding.UTF8.GetBytes($"{key}:{n}:{count}:{cnonce}:auth:{ha2}")));
    }

    public void VerifySuccess(byte[] additionalData)
    {
        if (additionalData.Length > 0)
        {
            Dictionary<string, string> fields = Parse(Encoding.UTF8.GetString(additionalData));
            if (fields.TryGetValue("rspauth", out string? rspauth)) Verify(rspauth);
        }
        if (!verified) throw new SaslException("DIGEST-MD5: the server never proved it knows the password (no rspauth).");
    }

    private void Verify(string rspauth)
    {
        if (expectedRspAuth is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(rspauth), Encoding.ASCII.GetBytes(expectedRspAuth)))
            throw new SaslException("DIGEST-MD5: the server's rspauth is wrong.");
        verified = true;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>Parses <c>key=value,key="quoted, value"</c> lists (RFC 2831 §7.1).</summary>
    internal static Dictionary<string, string> Parse(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int pos = 0;
        while (pos < text.Length)
        {
            while (pos < text.Length && (text[pos] == ',' || char.IsWhiteSpace(text[pos]))) pos++;
            int eq = text.IndexOf('=', pos);
            if (eq < 0) break;
            string key = text[pos..eq].Trim();
            pos = eq + 1;
            var value = new StringBuilder();
            if (pos < text.Length && text[pos] == '"')
            {
                pos++;
                while (pos < text.Length && text[pos] != '"')
                {
                    if (text[pos] == '\\' && pos + 1 < text.Length) pos++;
                    value.Append(text[pos++]);
                }
                pos++;
            }
            else
            {
                while (pos < text.Length && text[pos] != ',') value.Append(text[pos++]);
            }
            // qop may be given as a quoted list; later duplicates (RFC: realm may repeat) keep the first.
            fields.TryAdd(key, value.ToString().Trim());
        }
        return fields;
    }
}
#pragma warning restore CA5351
