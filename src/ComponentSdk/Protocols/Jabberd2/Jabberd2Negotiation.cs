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
internal sealed class Jabberd2Negotiation(ConnectionContext connection) : SaslStreamNegotiation(connection)
{
    private static readonly XNamespace Component = Namespaces.Jabberd2Component;

    private readonly Dictionary<string, string> pendingBinds = new(StringComparer.Ordinal);
    private int ids;

    protected override void OnFeatures(IChannelHandlerContext context, StreamFeatures features)
    {
        if (!Authenticated)
        {
            StartSasl(context, features, Credentials(), "router");
            return;
        }
        Connection.Status(ConnectionStatus.BindNegotiate);
        foreach (string name in Connection.Options.BindNames())
        {
            string id = "bind-" + (++ids).ToString(CultureInfo.InvariantCulture);
            pendingBinds[id] = name;
            var bind = new XElement(Component + "bind", new XAttribute("name", name), new XAttribute("id", id));
            foreach (string option in Connection.Options.Jabberd2.Options) bind.Add(new XElement(Component + option));
            if (Connection.Observer.WantsElementEvents) Connection.Status(ConnectionStatus.RequestStart, bind);
            Send(context, bind);
        }
        Step = "the router's answer to our binds";
    }

    protected override void OnOtherElement(IChannelHandlerContext context, XElement element)
    {
        if (TryHandleSasl(context, element)) return;
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
            Connection.Status(ConnectionStatus.BindSuccess, detail: string.Join(", ", Connection.Options.BindNames()));
            context.Channel.Pipeline.AddBefore(PipelineNames.Dispatch, PipelineNames.Route, new RouteCodec(Connection));
            Succeed(context, Jid.Parse(Connection.Options.BindNames()[0]), StreamId);
        }
    }

}
