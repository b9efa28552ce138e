using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using ComponentSdk.Protocols.Accept;
using ComponentSdk.Xml;
using DotNetty.Common.Utilities;
using DotNetty.Handlers.Tls;
using DotNetty.Transport.Bootstrapping;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Sockets;

namespace ComponentSdk.Tests.Support;

/// <summary>
/// The server side of XEP-0114 over TLS from the first byte, in process: checks the handshake, then sends every stanza
/// back to its sender with the addresses swapped. Its certificate is made for <c>localhost</c> when it starts.
/// </summary>
internal sealed class TlsEchoServer : IAsyncDisposable
{
    private readonly IEventLoopGroup loops = new MultithreadEventLoopGroup(1);
    private readonly X509Certificate2 certificate;
    private IChannel? listener;

    private TlsEchoServer(string secret)
    {
        Secret = secret;
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using X509Certificate2 made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        certificate = X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
        CertificatePath = Path.Combine(Path.GetTempPath(), $"componentsdk-tls-{Guid.NewGuid():N}.crt");
        File.WriteAllText(CertificatePath, certificate.ExportCertificatePem());
    }

    public string Secret { get; }

    /// <summary>The server's certificate (PEM), to trust.</summary>
    public string CertificatePath { get; }

    public int Port { get; private set; }

    public static async Task<TlsEchoServer> StartAsync(string secret)
    {
        var server = new TlsEchoServer(secret);
        ServerBootstrap bootstrap = new ServerBootstrap()
            .Group(server.loops, server.loops)
            .ChannelFactory(() => new TcpServerSocketChannel())
            .ChildHandler(new ActionChannelInitializer<IChannel>(channel =>
            {
                channel.Pipeline.AddLast("tls", new TlsHandler(stream => new System.Net.Security.SslStream(stream, true),
                    new ServerTlsSettings(server.certificate, false, false, SslProtocols.Tls12 | SslProtocols.Tls13)));
                channel.Pipeline.AddLast("framer", new StanzaFramer());
                channel.Pipeline.AddLast("codec", new XmlStanzaCodec());
                channel.Pipeline.AddLast("echo", new Session(server.Secret));
            }));
        server.listener = await bootstrap.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        server.Port = ((IPEndPoint)server.listener.LocalAddress).Port;
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (listener is not null) await listener.CloseAsync();
        await loops.ShutdownGracefullyAsync(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(300)).WaitAsync(TimeSpan.FromSeconds(5));
        certificate.Dispose();
        File.Delete(CertificatePath);
    }

    private sealed class Session(string secret) : ChannelHandlerAdapter
    {
        private string? streamId;
        private bool authenticated;

        public override void ChannelRead(IChannelHandlerContext context, object message)
        {
            switch (message)
            {
                case StreamHeader header:
                    streamId = Guid.NewGuid().ToString("N");
                    context.WriteAndFlushAsync(new StreamHeader { From = header.To, Id = streamId, DefaultNamespace = Namespaces.ComponentAccept });
                    break;
                case XElement handshake when !authenticated:
                    authenticated = handshake.Value == HandshakeDigest.Compute(streamId!, secret);
                    if (authenticated) context.WriteAndFlushAsync(new XElement("handshake"));
                    else context.CloseAsync();
                    break;
                case XElement stanza:
                    context.WriteAsync(stanza.ReplyTo());
                    break;
                default:
                    ReferenceCountUtil.Release(message);
                    break;
            }
        }

        public override void ChannelReadComplete(IChannelHandlerContext context) => context.Flush();
    }
}
