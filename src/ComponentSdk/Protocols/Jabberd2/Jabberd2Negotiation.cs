using System.Globalization;
using System.Xml.Linq;
using ComponentSdk.Sasl;
using ComponentSdk.Transport;
using ComponentSdk.Xml;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Protocols.Jabberd2;

/// <summary>
/// The jabberd2 router's component protocol (jabberd2 docs/dev/component-protocol; observed behaviour in
/// PROTOCOL.md): a <c>version='1.0'</c> stream in the component namespace, STARTTLS under the TLS policy, SASL with
/// what the router offers (DIGEST-MD5, whose <c>rspauth</c> comes inside <c>&lt;success/&gt;</c>), a restart, then
/// one <c>&lt;bind name='...'/&gt;</c> per name once the (empty) features arrive. Nothing is bound or routed before
/// authentication: the router would drop it silently. On success the <see cref="RouteCodec"/> takes over envelopes.
/// </summary>
internal sealed class Jabberd2Negotiation(ConnectionContext connection) : StreamNegotiation(connection)
{
    private static readonly XNamespace Component = Namespaces.Jabberd2Component;
    private static readonly XNamespace Sasl = Namespaces.Sasl;

    private readonly Dictionary<string, string> pendingBinds = new(StringComparer.Ordinal);
    private SaslExchange? sasl;
    private bool authenticated;
    private int ids;

    protected override void OnFeatures(IChannelHandlerContext context, StreamFeatures features)
    {
        if (!authenticated)
        {
            StartSasl(context, features);
            return;
        }
        Connection.Status(ConnectionStatus.BindNegotiate);
        foreach (string name in Connection.Options.EffectiveBindNames)
        {
            string id = "bind-" + (++ids).ToString(CultureInfo.InvariantCulture);
            pendingBinds[id] = name;
            var bind = new XElement(Component + "bind", new XAttribute("name", name), new XAttribute("id", id));
            foreach (string option in Connection.Options.EffectiveBindOptions) bind.Add(new XElement(Component + option));
            if (Connection.Observer.WantsElementEvents) Connection.Status(ConnectionStatus.RequestStart, bind);
            Send(context, bind);
        }
        Step = "the router's answer to our binds";
    }

    protected override void OnOtherElement(IChannelHandlerContext context, XElement element)
    {
        if (element.Name.Namespace == Sasl && sasl is not null)
        {
            OnSasl(context, element);
            return;
        }
        // The bind answer is the request echoed back (in the stream's namespace, so unqualified here) without its name.
        if (element.Name.LocalName == "bind" && element.Id() is { } id && pendingBinds.Remove(id, out string? name))
        {
            if (element.Attribute("error") is { } error)
            {
                int code = int.TryParse(error.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int parsed) ? parsed : 0;
                Fail(context, new BindFailedException(name, code), ConnectionStatus.BindFail);
                return;
            }
            if (pendingBinds.Count > 0) return;
            Connection.Status(ConnectionStatus.BindSuccess, detail: string.Join(", ", Connection.Options.EffectiveBindNames));
            context.Channel.Pipeline.AddBefore(PipelineNames.Dispatch, PipelineNames.Route, new RouteCodec(Connection));
            Succeed(context, Jid.Parse(Connection.Options.EffectiveBindNames[0]), StreamId);
        }
    }

    private void StartSasl(IChannelHandlerContext context, StreamFeatures features)
    {
        ConnectionOptions options = Connection.Options;
        var credentials = new SaslCredentials(options.Username!, options.Password!, options.Hostname)
        {
            Preference = options.SaslMechanisms?.ToList(),
            TlsActive = Connection.TlsEstablished,
            AllowPlaintextWithoutTls = options.AllowPlaintextWithoutTls,
        };
        ISaslMechanism? mechanism = SaslMechanismFactory.Choose(features.Mechanisms, credentials, out string reason);
        if (mechanism is null)
        {
            Fail(context, new XmppAuthenticationException("invalid-mechanism", null, "Cannot authenticate to the router: " + reason + "."), ConnectionStatus.AuthFail);
            return;
        }
        sasl = new SaslExchange(mechanism);
        Step = $"the router's answer to SASL {mechanism.Name}";
        Connection.Status(ConnectionStatus.AuthNegotiate, detail: mechanism.Name);
        Send(context, sasl.Auth());
    }

    private void OnSasl(IChannelHandlerContext context, XElement element)
    {
        try
        {
            switch (element.Name.LocalName)
            {
                case "challenge":
                    Send(context, sasl!.Respond(element));
                    break;
                case "success":
                    sasl!.Succeeded(element);
                    authenticated = true;
                    Connection.Status(ConnectionStatus.AuthSuccess, detail: sasl.MechanismName);
                    RestartStream(context);
                    break;
                case "failure":
                    // The router keeps the stream open after a failure; we give up rather than retry.
                    Fail(context, sasl!.Refused(element), ConnectionStatus.AuthFail);
                    break;
            }
        }
        catch (SaslException ex)
        {
            Fail(context, sasl!.ServerNotVerified(ex), ConnectionStatus.AuthFail);
        }
    }
}
