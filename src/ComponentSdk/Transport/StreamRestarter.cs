using ComponentSdk.Xml;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Transport;

/// <summary>Restarts the stream (RFC 6120 §4.3.3) after SASL, and after STARTTLS with TLS put in front.</summary>
internal static class StreamRestarter
{
    /// <summary>The next bytes open a new stream: the framer and codec forget the old one.</summary>
    public static void Restart(IChannelPipeline pipeline, bool redirectBufferedBytes = false)
    {
        ((StanzaFramer)pipeline.Get(PipelineNames.Framer)).RestartStream(redirectBufferedBytes);
        ((XmlStanzaCodec)pipeline.Get(PipelineNames.Codec)).RestartStream();
    }

    /// <summary>
    /// After <c>&lt;proceed/&gt;</c>: restart, and put TLS at the head of the pipeline. Bytes that arrived behind
    /// <c>&lt;proceed/&gt;</c> are fed through TLS, never read as plaintext (the CVE-2011-0411 class of injection).
    /// </summary>
    public static void StartTls(IChannelPipeline pipeline, ConnectionContext connection)
    {
        Restart(pipeline, redirectBufferedBytes: true);
        pipeline.AddFirst(PipelineNames.Tls, TlsHandlers.CreateClient(connection));
    }
}
