using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using DotNetty.Handlers.Tls;

namespace ComponentSdk.Transport;

/// <summary>Makes the client-side TLS stage of a connection (TLS 1.2 and 1.3, the options' certificate checks).</summary>
/// <remarks>
/// The write path, on both transports: <c>SendAsync</c> only enqueues (<see cref="OutboundPump"/>); the pump drains on
/// the connection's event loop, where the codec turns each stanza into UTF-8, DotNetty's TLS handler queues the
/// plaintext, and the one flush per drain encrypts it through its <c>SslStream</c> into records for the socket. On the
/// shared transport the loop is DotNetty's thread; on the dedicated transport it is a role that the connection's
/// reader thread takes for a read (and the pump's drain at the end of that read) and the loop's own thread takes for
/// tasks and timers: one thread at a time either way, which is all the TLS handler relies on. Reads go the other way:
/// records are decrypted in the handler before the framer sees bytes. <c>TlsUnderLoadTests</c> pushes 100,000 stanzas
/// of 1 byte to 64 KiB through TLS and back on each transport, handlers on and off the loop, and compares them byte
/// for byte.
/// </remarks>
internal static class TlsHandlers
{
    public static TlsHandler CreateClient(ConnectionContext connection)
    {
        ConnectionOptions options = connection.Options;
        var validator = new CertificateValidator(options);
        connection.CertificateValidator = validator;
        var certificates = new List<X509Certificate>();
        if (!string.IsNullOrEmpty(options.Tls.ClientCertificatePath))
        {
            certificates.Add(X509CertificateLoader.LoadPkcs12FromFile(options.Tls.ClientCertificatePath, options.Tls.ClientCertificatePassword));
        }
        var settings = new ClientTlsSettings(options.Tls.Protocols, false, certificates, options.TlsServerName());
        return new TlsHandler(stream =>
        {
            var ssl = new SslStream(stream, true, validator.Validate);
            connection.Tls = new TlsSession(ssl);
            return ssl;
        }, settings);
    }

    /// <summary>A failed handshake as the exception the application sees, with the certificate problem when there was one.</summary>
    public static TlsNegotiationException Failure(ConnectionContext connection, Exception? cause)
    {
        string? refusal = connection.CertificateValidator?.Refusal;
        string message = refusal is not null
            ? $"The server's certificate was refused: {refusal}. Trust it with TrustedCertificatePath (or, for tests only, AllowUntrustedCertificates)."
            : $"The TLS handshake failed: {cause?.GetBaseException().Message ?? "the connection closed"}.";
        return new TlsNegotiationException(message, cause);
    }
}
