using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using ComponentSdk.Transport;
using ComponentSdk.Xml;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Protocols.Legacy;

/// <summary>
/// Legacy login with <c>jabber:iq:auth</c> (XEP-0078). By default on an XMPP 1.0 stream after STARTTLS (the TLS
/// policy applies); with <c>Version=0.9</c> on a pre-XMPP stream, where a required TLS is asked for blindly. The
/// fields are asked for first; the digest (SHA-1 of stream id and password) is used when offered, the password
/// itself only with <see cref="LoginOptions.PlainText"/> and, unless allowed, only over TLS.
/// </summary>
internal sealed class LegacyNegotiation(ConnectionContext connection) : StreamNegotiation(connection)
{
    private static readonly XNamespace Auth = Namespaces.IqAuth;
    private const string FieldsId = "auth-fields";
    private const string LoginId = "auth-login";

    /// <summary>jabber:iq:auth has no server-picked resource: the component always gives a Legacy login one.</summary>
    private string Resource => Connection.Resource ?? throw new InvalidOperationException("A Legacy login needs a resource.");

    protected override void OnPreXmppStream(IChannelHandlerContext context, StreamHeader header)
    {
        if (!Connection.TlsEstablished && Connection.Options.TlsMode() == TlsPolicy.Required)
        {
            RequestTls(context); // a pre-XMPP stream has no features: ask blindly
            return;
        }
        AskForFields(context);
    }

    protected override void OnFeatures(IChannelHandlerContext context, StreamFeatures features) => AskForFields(context);

    protected override void OnOtherElement(IChannelHandlerContext context, XElement element)
    {
        if (element.Name.LocalName != "iq") return;
        switch (element.Id(), element.Type())
        {
            case (FieldsId, "result"):
                Login(context, element);
                break;
            case (LoginId, "result"):
                Connection.Status(ConnectionStatus.AuthSuccess);
                Succeed(context, new Jid(Connection.Options.Login.Username, Connection.Options.Hostname, Resource), StreamId);
                break;
            case (FieldsId or LoginId, "error"):
                (string condition, string? text) = IqErrors.Read(element);
                Fail(context, new XmppAuthenticationException(condition, text,
                    $"The server refused the login (jabber:iq:auth): {condition}{(text is null ? "" : " (" + text + ")")}."), ConnectionStatus.AuthFail);
                break;
        }
    }

    private void AskForFields(IChannelHandlerContext context)
    {
        Step = "the server's jabber:iq:auth fields";
        Connection.Status(ConnectionStatus.AuthNegotiate);
        Send(context, new XElement("iq", new XAttribute("type", "get"), new XAttribute("id", FieldsId), new XAttribute("to", Connection.Options.Hostname),
            new XElement(Auth + "query", new XElement(Auth + "username", Connection.Options.Login.Username))));
    }

    private void Login(IChannelHandlerContext context, XElement fields)
    {
        ConnectionOptions options = Connection.Options;
        XElement? query = fields.Element(Auth + "query");
        var login = new XElement(Auth + "query", new XElement(Auth + "username", options.Login.Username));
        if (query?.Element(Auth + "digest") is not null && StreamId is not null)
        {
            login.Add(new XElement(Auth + "digest", Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(StreamId + options.Password)))));
        }
        else if (!options.Login.PlainText)
        {
            Fail(context, new XmppAuthenticationException("not-acceptable", null,
                "The server does not accept a digest, only the password itself; set PlainText to send it."), ConnectionStatus.AuthFail);
            return;
        }
        else if (!Connection.TlsEstablished && !options.Login.AllowPlaintextWithoutTls)
        {
            Fail(context, new XmppAuthenticationException("encryption-required", null,
                "The server wants the password itself and the connection is not encrypted; set AllowPlaintextWithoutTls to send it anyway."), ConnectionStatus.AuthFail);
            return;
        }
        else
        {
            login.Add(new XElement(Auth + "password", options.Password));
        }
        login.Add(new XElement(Auth + "resource", Resource));
        Step = "the result of the jabber:iq:auth login";
        Send(context, new XElement("iq", new XAttribute("type", "set"), new XAttribute("id", LoginId), new XAttribute("to", options.Hostname), login));
    }
}
