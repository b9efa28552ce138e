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
/// server-generated one, RFC 6120 §7.7.2), and the session (RFC 3921) only when offered and not optional. Where the
/// server offers XEP-0198 stream management, a lost session is resumed instead of binding (a new session when the
/// server refuses), and a new one has stream management enabled before it is ready.
/// </summary>
internal sealed class ClientNegotiation(ConnectionContext connection) : SaslStreamNegotiation(connection)
{
    private static readonly XNamespace Bind = Namespaces.Bind;
    private static readonly XNamespace Session = Namespaces.Session;
    private static readonly XNamespace Sm = Namespaces.StreamManagement;

    private bool sessionWanted;
    private string? bindId;
    private string? sessionId;
    private int bindAttempts;
    private int ids;
    private Jid? jid;
    private StreamFeatures? features;
    private bool streamManagement;

    protected override void OnFeatures(IChannelHandlerContext context, StreamFeatures features)
    {
        if (!Authenticated)
        {
            IReadOnlyDictionary<string, byte[]>? bindings = Connection.TlsEstablished && Connection.Tls is { } tls ? tls.ChannelBindings() : null;
            StartSasl(context, features, Credentials(bindings, features.ChannelBindingTypes), "server");
            return;
        }
        this.features = features;
        streamManagement = features.StreamManagement && Connection.Options.StreamManagement.Enabled;
        if (streamManagement && Connection.Resumable is { CanResume: true, Id: { } previous } resumable)
        {
            Step = "the server's answer to resuming the session";
            Send(context, new XElement(Sm + "resume",
                new XAttribute("h", resumable.Received.ToString(CultureInfo.InvariantCulture)), new XAttribute("previd", previous)));
            return;
        }
        StartSession(context, features);
    }

    /// <summary>A new session: bind a resource, then the session if the server wants one, then stream management.</summary>
    private void StartSession(IChannelHandlerContext context, StreamFeatures features)
    {
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
        if (element.Name.Namespace == Sm)
        {
            OnStreamManagement(context, element);
            return;
        }
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

    /// <summary>Bound (and the session made): stream management is enabled first where the server offers it.</summary>
    private void Finish(IChannelHandlerContext context)
    {
        if (!streamManagement)
        {
            Succeed(context, jid!, StreamId);
            return;
        }
        StreamManagementOptions options = Connection.Options.StreamManagement;
        var enable = new XElement(Sm + "enable");
        if (options.Resume)
        {
            enable.SetAttributeValue("resume", "true");
            if (options.MaxResumeTime is { } max) enable.SetAttributeValue("max", ((long)Math.Ceiling(max.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        }
        Step = "the server's answer to enabling stream management";
        Send(context, enable);
    }

    private void OnStreamManagement(IChannelHandlerContext context, XElement element)
    {
        StreamManagementSession? resumable = Connection.Resumable;
        switch (element.Name.LocalName)
        {
            case "enabled" when jid is not null:
                bool resumes = (string?)element.Attribute("resume") is "true" or "1";
                string? id = resumes ? (string?)element.Attribute("id") : null;
                TimeSpan? window = long.TryParse((string?)element.Attribute("max"), NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)
                    ? TimeSpan.FromSeconds(seconds) : null;
                var enabled = new StreamManagementSession(jid, id, window);
                Connection.Status(ConnectionStatus.StreamManagementEnabled,
                    detail: id is null ? "not resumable" : window is { } w ? $"resumable for {w.TotalSeconds:0} s" : "resumable");
                Succeed(context, jid, StreamId, enabled);
                break;
            case "resumed" when resumable is not null && jid is null:
                if (!uint.TryParse((string?)element.Attribute("h"), NumberStyles.None, CultureInfo.InvariantCulture, out uint h))
                {
                    Fail(context, new StreamViolationException(StreamErrorCondition.InvalidXml, "The server resumed the session without a valid 'h'."), null, StreamErrorCondition.InvalidXml);
                    return;
                }
                jid = resumable.Jid;
                Succeed(context, jid, StreamId, resumable, h);
                break;
            case "failed" when jid is null && resumable is not null:
                // The session is gone (its window passed, or the server restarted): a new one, with what it had not acknowledged sent again.
                uint? handled = uint.TryParse((string?)element.Attribute("h"), NumberStyles.None, CultureInfo.InvariantCulture, out uint count) ? count : null;
                resumable.Refused("the server answered " + (element.Elements().FirstOrDefault()?.Name.LocalName ?? "failed, without a reason"), handled);
                StartSession(context, features!);
                break;
            case "failed" when jid is not null:
                Log.StreamManagementRefused(Connection.Logger, Connection.Options.DisplayName, element.Elements().FirstOrDefault()?.Name.LocalName ?? "no reason given");
                Succeed(context, jid, StreamId);
                break;
        }
    }

    private string NextId(string what) => what + "-" + (++ids).ToString(CultureInfo.InvariantCulture);
}
