using System.Net.Security;
using System.Runtime.InteropServices;
using System.Security.Authentication.ExtendedProtection;

namespace ComponentSdk.Transport;

/// <summary>The TLS layer of a connection once established: what SASL channel binding and diagnostics need.</summary>
internal sealed class TlsSession(SslStream stream)
{
    public SslStream Stream { get; } = stream;

    /// <summary>
    /// Channel-binding data by type (RFC 5929): <c>tls-unique</c> (TLS 1.2 only) and <c>tls-server-end-point</c>, as the
    /// platform's TLS gives them. Types the platform cannot give are missing.
    /// </summary>
    public IReadOnlyDictionary<string, byte[]> ChannelBindings()
    {
        var bindings = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        // RFC 9266 §1: tls-unique is not defined for TLS 1.3 (there is no unique Finished message to bind to).
        if (Stream.SslProtocol != System.Security.Authentication.SslProtocols.Tls13) Add(bindings, ChannelBindingKind.Unique, "tls-unique:");
        Add(bindings, ChannelBindingKind.Endpoint, "tls-server-end-point:");
        return bindings;
    }

    private void Add(Dictionary<string, byte[]> bindings, ChannelBindingKind kind, string prefix)
    {
        try
        {
            using System.Security.Authentication.ExtendedProtection.ChannelBinding? binding = Stream.TransportContext?.GetChannelBinding(kind);
            if (binding is null || binding.Size <= 32) return;
            // A SEC_CHANNEL_BINDINGS header (8 x uint32) whose application data is "<type>:" followed by the bytes.
            byte[] raw = new byte[binding.Size];
            Marshal.Copy(binding.DangerousGetHandle(), raw, 0, raw.Length);
            int length = BitConverter.ToInt32(raw, 24);
            int offset = BitConverter.ToInt32(raw, 28);
            if (offset < 32 || offset + length > raw.Length || length <= prefix.Length) return;
            ReadOnlySpan<byte> data = raw.AsSpan(offset, length);
            if (!data.StartsWith(System.Text.Encoding.ASCII.GetBytes(prefix))) return;
            bindings[prefix[..^1]] = data[prefix.Length..].ToArray();
        }
        catch (Exception ex) when (ex is NotSupportedException or System.Security.Authentication.AuthenticationException or InvalidOperationException or ObjectDisposedException)
        {
            // The platform cannot give this type; SCRAM then does without it.
        }
    }
}
