using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ComponentSdk.Sasl;

/// <summary>
/// SCRAM-SHA-1, -256 and -512, with or without channel binding (RFC 5802, RFC 7677). The server's signature in the
/// final message is checked: a server that does not know the password cannot pass itself off as the real one.
/// </summary>
internal sealed class ScramMechanism : ISaslMechanism
{
    /// <summary>More iterations than this are refused: a hostile server could otherwise make us spin.</summary>
    public const int MaxIterations = 10_000_000;

    private readonly HashAlgorithmName hash;
    private readonly int hashLength;
    private readonly string username;
    private readonly string password;
    private readonly ChannelBinding? binding;
    private readonly string gs2Header;
    private readonly string clientNonce;
    private string? clientFirstBare;
    private byte[]? serverSignature;

    /// <param name="hash">SHA1, SHA256 or SHA512.</param>
    /// <param name="username">The user name (authentication identity).</param>
    /// <param name="password">The password.</param>
    /// <param name="binding">The channel binding for the -PLUS variant, or null.</param>
    /// <param name="clientCanBind">Whether this connection could bind (TLS gives binding data), for the <c>y</c> flag.</param>
    /// <param name="serverOffersBinding">Whether the server offered a -PLUS variant.</param>
    /// <param name="clientNonce">For tests only: a fixed nonce.</param>
    public ScramMechanism(HashAlgorithmName hash, string username, string password, ChannelBinding? binding, bool clientCanBind, bool serverOffersBinding, string? clientNonce = null)
    {
        this.hash = hash;
        hashLength = hash == HashAlgorithmName.SHA1 ? 20 : hash == HashAlgorithmName.SHA256 ? 32 : hash == HashAlgorithmName.SHA512 ? 64
            : throw new ArgumentOutOfRangeException(nameof(hash), hash, "SCRAM with SHA-1, SHA-256 or SHA-512.");
        this.username = username;
        this.password = password;
        this.binding = binding;
        // RFC 5802 §6: 'p' binds; 'y' says we could but the server offered no -PLUS (so a stripped offer is detected);
        // 'n' says we cannot bind with what the server supports.
        gs2Header = binding is not null ? $"p={binding.Type},," : clientCanBind && !serverOffersBinding ? "y,," : "n,,";
        this.clientNonce = clientNonce ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        string suffix = hash == HashAlgorithmName.SHA1 ? "SHA-1" : hash == HashAlgorithmName.SHA256 ? "SHA-256" : "SHA-512";
        Name = "SCRAM-" + suffix + (binding is null ? "" : "-PLUS");
    }

    public string Name { get; }

    public bool RespondsSlowly => true;

    public byte[]? InitialResponse()
    {
        clientFirstBare = "n=" + Escape(Normalize(username)) + ",r=" + clientNonce;
        return Encoding.UTF8.GetBytes(gs2Header + clientFirstBare);
    }

    public byte[] Respond(byte[] challenge)
    {
        if (clientFirstBare is null) throw new SaslException("SCRAM: a challenge arrived before the first message.");
        if (serverSignature is not null) throw new SaslException("SCRAM: unexpected second challenge.");
        string serverFirst = Encoding.UTF8.GetString(challenge);
        Dictionary<char, string> fields = Parse(serverFirst);
        if (fields.ContainsKey('m')) throw new SaslException("SCRAM: the server requires an extension this client does not know.");
        if (!fields.TryGetValue('r', out string? nonce) || !nonce.StartsWith(clientNonce, StringComparison.Ordinal) || nonce.Length == clientNonce.Length)
            throw new SaslException("SCRAM: the server's nonce does not extend ours.");
        if (!fields.TryGetValue('s', out string? saltText) || !TryBase64(saltText, out byte[] salt) || salt.Length == 0)
            throw new SaslException("SCRAM: missing or invalid salt.");
        if (!fields.TryGetValue('i', out string? iterationText) || !int.TryParse(iterationText, NumberStyles.None, CultureInfo.InvariantCulture, out int iterations)
            || iterations < 1 || iterations > MaxIterations)
            throw new SaslException("SCRAM: missing or unacceptable iteration count.");

        byte[] cbind = Encoding.UTF8.GetBytes(gs2Header);
        if (binding is not null) cbind = [.. cbind, .. binding.Data];
        string clientFinalWithoutProof = "c=" + Convert.ToBase64String(cbind) + ",r=" + nonce;
        string authMessage = clientFirstBare + "," + serverFirst + "," + clientFinalWithoutProof;

        byte[] saltedPassword = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(Normalize(password)), salt, iterations, hash, hashLength);
        byte[] clientKey = Hmac(saltedPassword, "Client Key"u8);
        byte[] storedKey = CryptographicOperations.HashData(hash, clientKey);
        byte[] clientSignature = Hmac(storedKey, Encoding.UTF8.GetBytes(authMessage));
        byte[] proof = new byte[clientKey.Length];
        for (int i = 0; i < proof.Length; i++) proof[i] = (byte)(clientKey[i] ^ clientSignature[i]);
        serverSignature = Hmac(Hmac(saltedPassword, "Server Key"u8), Encoding.UTF8.GetBytes(authMessage));

        return Encoding.UTF8.GetBytes(clientFinalWithoutProof + ",p=" + Convert.ToBase64String(proof));
    }

    public void VerifySuccess(byte[] additionalData)
    {
        if (serverSignature is null) throw new SaslException("SCRAM: the server reported success before the exchange was complete.");
        Dictionary<char, string> fields = Parse(Encoding.UTF8.GetString(additionalData));
        if (fields.TryGetValue('e', out string? error)) throw new SaslException("SCRAM: the server reported an error: " + error);
        if (!fields.TryGetValue('v', out string? verifier) || !TryBase64(verifier, out byte[] signature)
            || !CryptographicOperations.FixedTimeEquals(signature, serverSignature))
            throw new SaslException("SCRAM: the server's signature is wrong: it does not know the password, or the exchange was tampered with.");
    }

    private byte[] Hmac(byte[] key, ReadOnlySpan<byte> data) => CryptographicOperations.HmacData(hash, key, data);

    /// <summary>RFC 5802 §5.1: ',' and '=' in names are escaped.</summary>
    private static string Escape(string name) => name.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal);

    /// <summary>Stands in for SASLprep (RFC 4013): Unicode compatibility normalization, which covers what users type.</summary>
    private static string Normalize(string text) => text.Normalize(NormalizationForm.FormKC);

    private static Dictionary<char, string> Parse(string message)
    {
        var fields = new Dictionary<char, string>();
        foreach (string part in message.Split(','))
        {
            if (part.Length < 2 || part[1] != '=') throw new SaslException("SCRAM: malformed message from the server.");
            fields.TryAdd(part[0], part[2..]);
        }
        return fields;
    }

    private static bool TryBase64(string text, out byte[] bytes)
    {
        bytes = new byte[text.Length];
        if (!Convert.TryFromBase64String(text, bytes, out int written)) return false;
        bytes = bytes[..written];
        return true;
    }
}
