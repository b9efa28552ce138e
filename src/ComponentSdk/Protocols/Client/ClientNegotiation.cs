using System.Globalization;
using System.Xml.Linq;
using ComponentSdk.Sasl;
using ComponentSdk.Transport;
using ComponentSdk.Xml;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Protocols.Client;

/// <summary>
/// XMPP 1.0 client login (RFC 6120): STARTTLS under the TLS policy, SASL with the preferred mechanism the server
/// offers (the server's proof checked), a stream restart, resource binding (the connection's resource, or a
/// server-generated one when it has none; a resource refused as taken or unusable is replaced once by a
/// server-generated one, RFC 6120 §7.7.2), and the session (RFC 3921) only when offered and not optional.
/// </summary>
internal sealed class ClientNegotiation(ConnectionContext connection) : SaslStreamNegotiation(connection)
{
    private static readonly XNamespace Bind = Namespaces.Bind;
    private static readonly XNamespace Session = Namespaces.Session;

    private bool sessionWanted;
    private string? bindId;
    private string? sessionId;
    private int bindAttempts;
    private int ids;
    private Jid? jid;

    protected override void OnFeatures(IChannelHandlerContext context, StreamFeatures features)
    {
        if (!Authenticated)
        {
            IReadOnlyDictionary<string, byte[]>? bindings = Connection.TlsEstablished && Connection.Tls is { } tls ? tls.ChannelBindings() : null;
            StartSasl(context, features, Credentials(bindings, features.ChannelBindingTypes), "server");
            return;
        }
        sessionWanted = features.SessionEstablishment && !features.SessionOptional;
        if (features.ResourceBinding)
        {
            RequestBinding(context, Connection.Resource);
            return;
        }
        jid = new Jid(Connection.Options.Login.Username, Connection.Options.Hostname);
        Finish(context);
    }

    protected override void OnOtherElement(IChannelHandlerContext context, XElement element)
    {
        if (TryHandleSasl(context, element)) return;
        if (element.Name.LocalName == "iq" && element.Id() is { } id)
        {
            if (id == bindId) OnBindResult(context, element);
            else if (id == sessionId) OnSessionResult(context, element);
        }
    }

    private void RequestBinding(IChannelHandlerContext context, string? resource)
    {
        bindAttempts++;
        bindId = NextId("bind");
        var bind = new XElement(Bind + "bind");
        if (!string.IsNullOrEmpty(resource)) bind.Add(new XElement(Bind + "resource", resource));
        var iq = new XElement("iq", new XAttribute("type", "set"), new XAttribute("id", bindId), bind);
        Step = "the resource binding result";
        if (bindAttempts == 1) Connection.Status(ConnectionStatus.BindNegotiate);
        if (Connection.Observer.WantsElementEvents) Connection.Status(ConnectionStatus.RequestStart, iq);
        Send(context, iq);
    }

    private void OnBindResult(IChannelHandlerContext context, XElement iq)
    {
        if (iq.Type() == "result")
        {
            string? bound = iq.Element(Bind + "bind")?.Element(Bind + "jid")?.Value;
            jid = Jid.TryParse(bound, out Jid? parsed) ? parsed : new Jid(Connection.Options.Login.Username, Connection.Options.Hostname, Connection.Resource);
            Connection.Status(ConnectionStatus.BindSuccess, detail: jid.ToString());
            if (sessionWanted) RequestSession(context);
            else Finish(context);
            return;
        }
        (string condition, string? text) = IqErrors.Read(iq);
        // A resource taken (conflict) or one the server cannot take as it is (an error of type modify, such as
        // bad-request for a resourcepart it cannot prepare): RFC 6120 §7.7.2 lets the client try again, here with
        // the server's choice.
        bool retryable = condition == "conflict" || (string?)iq.Element("error")?.Attribute("type") == "modify";
        if (retryable && bindAttempts < 2)
        {
            RequestBinding(context, resource: null);
            return;
        }
        Fail(context, new XmppAuthenticationException(condition, text, $"The server refused to bind a resource: {condition}."), ConnectionStatus.BindFail);
    }

    private void RequestSession(IChannelHandlerContext context)
    {
        sessionId = NextId("session");
        var iq = new XElement("iq", new XAttribute("type", "set"), new XAttribute("id", sessionId), new XElement(Session + "session"));
        Step = "the session result";
        Connection.Status(ConnectionStatus.SessionNegotiate);
        if (Connection.Observer.WantsElementEvents) Connection.Status(ConnectionStatus.RequestStart, iq);
        Send(context, iq);
    }

    private void OnSessionResult(IChannelHandlerContext context, XElement iq)
    {
        if (iq.Type() == "result")
        {
            Connection.Status(ConnectionStatus.SessionSuccess);
            Finish(context);
            return;
        }
        (string condition, string? text) = IqErrors.Read(iq);
        Fail(context, new XmppAuthenticationException(condition, text, $"The server refused the session: {condition}."), ConnectionStatus.SessionFail);
    }

    private void Finish(IChannelHandlerContext context) => Succeed(context, jid!, StreamId);

    private string NextId(string what) => what + "-" + (++ids).ToString(CultureInfo.InvariantCulture);
}
