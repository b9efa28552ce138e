using System.Globalization;
using System.Xml.Linq;
using ComponentSdk.Transport;
using ComponentSdk.Xml;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Protocols.Jabberd2;

/// <summary>
/// Between the jabberd2 router and the component, once bound: unwraps incoming <c>&lt;route/&gt;</c> envelopes so
/// the component sees ordinary stanzas (the envelope attached as a <see cref="Jabberd2Route"/> annotation), reports
/// bounced routes (<see cref="RouteErrorException"/>) and log copies apart from traffic, turns name adverts into status events, and wraps outgoing stanzas in a route from the stanza's domain (a bound name)
/// to the domain of its <c>to</c>. The inner stanza is written in <c>jabber:client</c>, as the sm requires.
/// Elements the application writes in the component namespace (<c>route</c>, <c>bind</c>, <c>unbind</c>,
/// <c>throttle</c>) go out untouched.
/// </summary>
internal sealed class RouteCodec(ConnectionContext connection) : ChannelDuplexHandler
{
    private static readonly XNamespace Component = Namespaces.Jabberd2Component;
    private readonly string defaultFrom = connection.Options.BindNames()[0];

    public override void HandlerAdded(IChannelHandlerContext context)
    {
        // Stanzas travel in jabber:client inside routes, whatever the stream's own namespace.
        ((XmlStanzaCodec)context.Channel.Pipeline.Get(PipelineNames.Codec)).StanzaNamespace = Namespaces.Client;
        base.HandlerAdded(context);
    }

    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        if (message is not XElement element || element.Name.Namespace != XNamespace.None || element.IsStreamError())
        {
            context.FireChannelRead(message);
            return;
        }
        switch (element.Name.LocalName)
        {
            case "route":
                Unwrap(context, connection, element);
                break;
            case "presence":
                // On the router's stream a top-level presence is a name advert, never a user's presence.
                string name = element.From() ?? "?";
                connection.Status(ConnectionStatus.NameAdvertised, element, detail: element.Type() == "unavailable" ? name + " unavailable" : name);
                break;
            default:
                // Answers to binds, unbinds and throttles the application sent itself: nothing to deliver.
                break;
        }
    }

    public override Task WriteAsync(IChannelHandlerContext context, object message)
    {
        if (message is not XElement stanza || stanza.Name.Namespace == Component || stanza.Name.Namespace == XNamespace.Get(Namespaces.Streams))
            return context.WriteAsync(message);

        string? to = Domain(stanza.To());
        if (to is null) return Task.FromException(new ArgumentException("A stanza routed through jabberd2 needs a 'to' address.", nameof(message)));
        if (stanza.From() is null) stanza.SetAttributeValue("from", defaultFrom);
        string from = Domain(stanza.From()) ?? defaultFrom;

        // An element inside another tree is copied into the envelope (as XLinq would), keeping its origin-id stamp.
        bool own = stanza.Parent is null;
        var route = new XElement(Component + "route", new XAttribute("to", to), new XAttribute("from", from), own ? stanza : OriginIdStamp.Copy(stanza));
        Task written = context.WriteAsync(route);
        if (own) stanza.Remove(); // the application's element is its own again
        return written;
    }

    private static void Unwrap(IChannelHandlerContext context, ConnectionContext connection, XElement route)
    {
        int? error = int.TryParse((string?)route.Attribute("error"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int code) ? code : null;
        var envelope = new Jabberd2Route(route.From(), route.To(), route.Type(), error);
        XElement? inner = route.Elements().FirstOrDefault();
        if (inner is null) return;
        inner.Remove();
        inner.AddAnnotation(envelope);
        if (error is int bounced)
        {
            // One of our routes came back: its request fails, and it is never handled (or answered) as new traffic.
            var failure = new RouteErrorException(bounced, envelope.To, envelope.From, inner);
            connection.Observer.OnBounced(inner, failure);
            connection.Status(ConnectionStatus.RouteError, inner, failure);
        }
        else if (envelope.IsLogCopy)
        {
            connection.Observer.OnLogCopy(inner, envelope);
        }
        else
        {
            context.FireChannelRead(inner);
        }
    }

    private static string? Domain(string? address) => Jid.TryParse(address, out Jid? jid) ? jid.Domain : null;
}
