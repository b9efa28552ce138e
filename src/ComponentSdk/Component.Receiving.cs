using System.Globalization;
using System.Xml.Linq;
using ComponentSdk.Diagnostics;
using ComponentSdk.Dispatch;
using ComponentSdk.Protocols.Jabberd2;
using ComponentSdk.Transport;
using ComponentSdk.Xml;

namespace ComponentSdk;

public partial class Component
{
    private static readonly XNamespace Ping = "urn:xmpp:ping";
    private static readonly XNamespace Version = "jabber:iq:version";
    private static readonly XNamespace DiscoInfo = "http://jabber.org/protocol/disco#info";
    private static readonly XNamespace DiscoItems = "http://jabber.org/protocol/disco#items";
    private static readonly XNamespace Time = "urn:xmpp:time";

    /// <summary>Called (through the dispatcher) each time the connection becomes ready, after <see cref="ConnectionStatus.Ready"/>.</summary>
    protected virtual ValueTask OnReadyAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// Called for every stanza received while ready that is not a reply to a request, after the filters. The default
    /// calls <see cref="OnMessageAsync"/>, <see cref="OnPresenceAsync"/> or <see cref="OnIqAsync"/>. If it throws, the
    /// error is logged, an iq request is answered with <c>internal-server-error</c>, and the connection carries on.
    /// </summary>
    protected virtual ValueTask OnStanzaAsync(XElement stanza, CancellationToken cancellationToken)
    {
        if (stanza.Name.Namespace != XNamespace.None) return ValueTask.CompletedTask;
        return stanza.Name.LocalName switch
        {
            "message" => OnMessageAsync(stanza, cancellationToken),
            "presence" => OnPresenceAsync(stanza, cancellationToken),
            "iq" => OnIqAsync(stanza, cancellationToken),
            _ => ValueTask.CompletedTask,
        };
    }

    /// <summary>Called for each <c>&lt;message/&gt;</c>. Does nothing by default.</summary>
    protected virtual ValueTask OnMessageAsync(XElement message, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Called for each <c>&lt;presence/&gt;</c>. Does nothing by default.</summary>
    protected virtual ValueTask OnPresenceAsync(XElement presence, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// Called for each <c>&lt;iq/&gt;</c> that is not a reply to a request. The default runs the handler registered
    /// with <see cref="HandleIq"/> for its type and payload (ping, version and disco#info are built in) and answers
    /// a request nothing handles with <c>service-unavailable</c>, as RFC 6120 §8.4 requires.
    /// </summary>
    protected virtual async ValueTask OnIqAsync(XElement iq, CancellationToken cancellationToken)
    {
        if (!iq.IsRequest()) return;
        Func<XElement, CancellationToken, ValueTask<XElement?>>? handler = iqRouter.Find(iq);
        XElement? reply = handler is null ? iq.ErrorFor("service-unavailable") : await handler(iq, cancellationToken).ConfigureAwait(false);
        if (reply is not null) await SendAsync(reply, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Handles iq requests of <paramref name="type"/> (<c>get</c> or <c>set</c>) whose payload is
    /// <paramref name="payload"/>: the handler returns the reply to send, or null when it answered itself. Its
    /// namespace is advertised in disco#info. Replaces an earlier handler for the same type and payload.
    /// </summary>
    public void HandleIq(string type, XName payload, Func<XElement, CancellationToken, ValueTask<XElement?>> handler)
    {
        if (type is not ("get" or "set")) throw new ArgumentException("The type of an iq request is 'get' or 'set'.", nameof(type));
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(handler);
        iqRouter.Register(type, payload, handler);
    }

    /// <summary>The identity given in disco#info answers: category, type and name (XEP-0030).</summary>
    protected virtual (string Category, string Type, string Name) DiscoIdentity => ("component", "generic", displayName);

    /// <summary>
    /// The items listed in disco#items answers (XEP-0030): JID, optional node and name. None by default; a component
    /// that hosts rooms, users or nodes lists them here. Asked for each request, so it may change over time.
    /// </summary>
    protected virtual IEnumerable<(string Jid, string? Node, string? Name)> DiscoItemsFor(XElement request) => [];

    /// <summary>The clock XEP-0202 time answers read; a test can replace it.</summary>
    protected virtual TimeProvider Clock => TimeProvider.System;

    private void RegisterBuiltInResponders()
    {
        HandleIq("get", Time + "time", (iq, _) =>
        {
            DateTimeOffset now = Clock.GetLocalNow();
            string offset = now.Offset == TimeSpan.Zero ? "Z" : now.ToString("zzz", CultureInfo.InvariantCulture);
            return ValueTask.FromResult<XElement?>(iq.ResultFor(new XElement(Time + "time",
                new XElement(Time + "tzo", offset),
                new XElement(Time + "utc", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)))));
        });
        HandleIq("get", DiscoItems + "query", (iq, _) =>
        {
            string? node = iq.Elements().First().Attribute("node")?.Value;
            var query = new XElement(DiscoItems + "query", node is null ? null : new XAttribute("node", node));
            foreach ((string jid, string? itemNode, string? name) in DiscoItemsFor(iq))
            {
                query.Add(new XElement(DiscoItems + "item", new XAttribute("jid", jid),
                    itemNode is null ? null : new XAttribute("node", itemNode), name is null ? null : new XAttribute("name", name)));
            }
            return ValueTask.FromResult<XElement?>(iq.ResultFor(query));
        });
        HandleIq("get", Ping + "ping", (iq, _) => ValueTask.FromResult<XElement?>(iq.ResultFor()));
        HandleIq("get", Version + "query", (iq, _) => ValueTask.FromResult<XElement?>(iq.ResultFor(
            new XElement(Version + "query", new XElement(Version + "name", SoftwareName), new XElement(Version + "version", SoftwareVersion)))));
        HandleIq("get", DiscoInfo + "query", (iq, _) =>
        {
            if (iq.Elements().First().Attribute("node") is not null) return ValueTask.FromResult<XElement?>(iq.ErrorFor("item-not-found"));
            (string category, string type, string name) = DiscoIdentity;
            var query = new XElement(DiscoInfo + "query",
                new XElement(DiscoInfo + "identity", new XAttribute("category", category), new XAttribute("type", type), new XAttribute("name", name)));
            foreach (string feature in iqRouter.Namespaces.Prepend(DiscoInfo.NamespaceName).Distinct().Order(StringComparer.Ordinal))
            {
                query.Add(new XElement(DiscoInfo + "feature", new XAttribute("var", feature)));
            }
            return ValueTask.FromResult<XElement?>(iq.ResultFor(query));
        });
    }

    /// <summary>
    /// jabberd2 only: a copy of a route sent to this component because it is bound as a log sink
    /// (<c>BindOption=log</c>). It must never be answered. Does nothing by default.
    /// </summary>
    protected virtual ValueTask OnLogAsync(XElement stanza, RouteEnvelope envelope, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>On the event loop: a reply completes its request at once; everything else goes to the dispatcher.</summary>
    private void OnInbound(XElement stanza)
    {
        ComponentTelemetry.StanzasReceived.Add(1, telemetryTag);
        if (stanza.Annotation<RouteEnvelope>() is { } envelope)
        {
            if (envelope.Error is int code)
            {
                // One of our routes bounced: its request fails, and it is never handled (or answered) as new traffic.
                var error = new RouteErrorException(code, envelope.To, envelope.From, stanza);
                pending.TryFail(stanza, error);
                PostStatus(ConnectionStatus.RouteError, stanza, error);
                return;
            }
            if (envelope.IsLogCopy)
            {
                dispatcher.Post(DispatchItem.ForWork(() => OnLogAsync(stanza, envelope, stopping.Token)));
                return;
            }
        }
        Jid? self = Volatile.Read(ref jid);
        // A delivery check counts only when it comes back from ourselves: anyone else could send its id.
        if (delivery is not null && stanza.Id() is { } id && delivery.IsBarrier(id) && Jid.SameAddress(stanza.From(), self?.ToString()))
        {
            ConfirmDelivery(id);
            return;
        }
        if (pending.TryComplete(stanza, self, options.Hostname))
        {
            if (RaiseElementEvents) PostStatus(ConnectionStatus.RequestFinish, stanza);
            return;
        }
        if (duplicates is not null && stanza.OriginId() is { } originId && !duplicates.IsFirst(stanza.From(), originId))
        {
            Log.DuplicateDropped(logger, displayName, stanza.Name.LocalName, originId);
            return;
        }
        dispatcher.Post(DispatchItem.ForStanza(stanza));
    }

    private ValueTask ProcessAsync(DispatchItem item)
    {
        if (item.Status is { } status)
        {
            RaiseStatus(status);
            return ValueTask.CompletedTask;
        }
        if (item.Stanza is { } stanza) return DispatchStanzaAsync(stanza);
        return RunAsync(item.Work!);
    }

    private async ValueTask DispatchStanzaAsync(XElement stanza)
    {
        CancellationToken token = stopping.Token;
        _ = new XDocument(stanza); // the stanza becomes the root: absolute XPath works
        try
        {
            List<(StanzaFilter Filter, FilterMatch Match)>? matches = filters.Evaluate(stanza);
            if (matches is not null)
            {
                foreach ((StanzaFilter filter, FilterMatch match) in matches)
                {
                    try
                    {
                        await filter.Handler(match, token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
                    {
                        Log.HandlerFailed(logger, ex, displayName, $"filter '{filter.Name}' on {stanza.Name.LocalName}");
                    }
                }
            }
            if (RaiseElementEvents) RaiseStatus(new ConnectionStatusEventArgs(ConnectionStatus.NodeReceived, stanza));
            await OnStanzaAsync(stanza, token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
        {
            Log.HandlerFailed(logger, ex, displayName, stanza.Name.LocalName);
            if (stanza.IsRequest()) await TrySendAsync(stanza.ErrorFor("internal-server-error", "wait")).ConfigureAwait(false);
        }
    }

    private async ValueTask RunAsync(Func<ValueTask> work)
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            Log.HandlerFailed(logger, ex, displayName, "ready");
        }
    }

    private async ValueTask TrySendAsync(XElement stanza)
    {
        try
        {
            await SendAsync(stanza).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is XmppException or InvalidOperationException)
        {
            Log.WriteFailed(logger, ex, displayName);
        }
    }

    private void PostStatus(ConnectionStatus status, XElement? stanza = null, Exception? error = null, string? detail = null) =>
        PostStatus(new ConnectionStatusEventArgs(status, stanza, error, detail));

    private void PostStatus(ConnectionStatusEventArgs status)
    {
        switch (status.Status)
        {
            case ConnectionStatus.AuthFail:
                ComponentTelemetry.AuthFailures.Add(1, telemetryTag);
                break;
            case ConnectionStatus.ReconnectScheduled:
                ComponentTelemetry.Reconnects.Add(1, telemetryTag);
                break;
            case ConnectionStatus.StreamError or ConnectionStatus.StreamErrorSent:
                ComponentTelemetry.StreamErrors.Add(1, telemetryTag);
                break;
        }
        if (!dispatcher.Post(DispatchItem.ForStatus(status))) RaiseStatus(status);
    }

    private void RaiseStatus(ConnectionStatusEventArgs status)
    {
        Log.Status(logger, displayName, status);
        try
        {
            StatusChanged?.Invoke(this, status);
        }
        catch (Exception ex)
        {
            Log.StatusHandlerFailed(logger, ex, displayName, status.Status);
        }
    }
}
