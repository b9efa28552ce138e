using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using System.Xml.Linq;
using ComponentSdk.Xml;
using DotNetty.Transport.Bootstrapping;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Sockets;

namespace ComponentSdk.Testing;

/// <summary>
/// An XMPP server in miniature, on real TCP on 127.0.0.1, for testing components without installing one. It speaks
/// the server side of XEP-0114: checks the stream header's domain and the handshake against the secrets given to
/// <see cref="AddComponent"/>, then routes stanzas between connected components by the domain of their
/// <c>to</c>. Like a server, it answers the requests a component makes of the server itself (disco#info and
/// disco#items, ping, version) and bounces a request to a domain nobody serves with <c>service-unavailable</c>.
/// Everything else (stanzas for users of its <see cref="Domain"/>, other requests to the server) is kept in
/// <see cref="Received"/>, for the test to read and answer; <see cref="SendAsync"/> delivers stanzas to a component as
/// if a user had sent them.
/// </summary>
public sealed class LoopbackRouter : IAsyncDisposable
{
    private static readonly Lazy<IEventLoopGroup> Loops = new(() => new MultithreadEventLoopGroup(1));

    private readonly ConcurrentDictionary<string, string> secrets = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, RouterSession> sessions = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> connectedWaiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly Channel<XElement> received = Channel.CreateUnbounded<XElement>();
    private readonly Channel<(string Domain, bool Clean)> disconnects = Channel.CreateUnbounded<(string, bool)>();
    private readonly List<IChannel> children = [];
    private IChannel? listener;

    private LoopbackRouter() { }

    /// <summary>The address components connect to.</summary>
    public string Host => "127.0.0.1";

    /// <summary>The port the router listens on (chosen by the system).</summary>
    public int Port { get; private set; }

    /// <summary>The server's own domain (stanzas to it are kept in <see cref="Received"/>).</summary>
    public string Domain { get; init; } = "localhost";

    /// <summary>
    /// Raw bytes written to every new connection right after the stream header, before the handshake is checked:
    /// for testing how a component copes with a server that sends stanzas too early. Empty by default.
    /// </summary>
    public ReadOnlyMemory<byte> SendBeforeHandshake { get; set; }

    /// <summary>
    /// Drop every iq a component addresses to its own domain instead of routing it back, as a minimal router that only
    /// routes messages does: for testing a component's delivery checks against such a server. Off by default.
    /// </summary>
    public bool DropsSelfAddressedIqs { get; set; }

    /// <summary>
    /// When set, a stanza from a component for which it returns true ends that component's stream with
    /// <c>policy-violation</c> instead of being routed, as a server does with a stanza over its size limit.
    /// </summary>
    public Func<XElement, bool>? RefusesStanza { get; set; }

    /// <summary>What to do when a domain that is connected authenticates again.</summary>
    public ConflictPolicy ConflictPolicy { get; set; } = ConflictPolicy.RejectNew;

    /// <summary>
    /// Stanzas sent by components that were neither for another connected component nor answered by the router
    /// itself, in order of arrival.
    /// </summary>
    public ChannelReader<XElement> Received => received.Reader;

    /// <summary>The domains of the authenticated component connections.</summary>
    public IReadOnlyCollection<string> ConnectedDomains => sessions.Keys.ToArray();

    /// <summary>Raised for every stanza a component sends, on the router's thread (keep handlers short).</summary>
    public event Action<RoutedStanza>? Routed;

    /// <summary>Starts a router listening on 127.0.0.1, on <paramref name="port"/> or, when 0, a free port.</summary>
    public static async Task<LoopbackRouter> StartAsync(string domain = "localhost", int port = 0)
    {
        var router = new LoopbackRouter { Domain = domain };
        ServerBootstrap bootstrap = new ServerBootstrap()
            .Group(Loops.Value, Loops.Value)
            .ChannelFactory(() => new TcpServerSocketChannel()) // not Channel<T>(), whose reflection fails under Native AOT
            .ChildOption(ChannelOption.TcpNodelay, true)
            .ChildHandler(new ActionChannelInitializer<IChannel>(channel =>
            {
                lock (router.children) router.children.Add(channel);
                channel.Pipeline.AddLast("framer", new StanzaFramer());
                channel.Pipeline.AddLast("codec", new XmlStanzaCodec());
                channel.Pipeline.AddLast("session", new RouterSession(router));
            }));
        router.listener = await bootstrap.BindAsync(new IPEndPoint(IPAddress.Loopback, port)).ConfigureAwait(false);
        router.Port = ((IPEndPoint)router.listener.LocalAddress).Port;
        return router;
    }

    /// <summary>Accepts components for <paramref name="domain"/> that prove they know <paramref name="secret"/>.</summary>
    public void AddComponent(string domain, string secret) => secrets[domain] = secret;

    /// <summary>Options for a component of <paramref name="domain"/> connecting to this router.</summary>
    public ConnectionOptions OptionsFor(string domain) => new()
    {
        Host = Host,
        Port = Port,
        Hostname = domain,
        Password = secrets.TryGetValue(domain, out string? secret) ? secret : throw new ArgumentException($"No component '{domain}' was added.", nameof(domain)),
        ConnectionType = ConnectionType.Accept,
    };

    /// <summary>Completes when a component for <paramref name="domain"/> has authenticated.</summary>
    public Task WaitForComponentAsync(string domain, TimeSpan timeout)
    {
        if (sessions.ContainsKey(domain)) return Task.CompletedTask;
        TaskCompletionSource waiter = connectedWaiters.GetOrAdd(domain, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (sessions.ContainsKey(domain)) waiter.TrySetResult();
        return waiter.Task.WaitAsync(timeout);
    }

    /// <summary>Delivers <paramref name="stanza"/> to the component connected for the domain of its <c>to</c>.</summary>
    /// <exception cref="InvalidOperationException">No component is connected for that domain.</exception>
    public Task SendAsync(XElement stanza)
    {
        ArgumentNullException.ThrowIfNull(stanza);
        string domain = DomainOf(stanza.To()) ?? throw new ArgumentException("The stanza has no 'to'.", nameof(stanza));
        if (!sessions.TryGetValue(domain, out RouterSession? session)) throw new InvalidOperationException($"No component is connected for '{domain}'.");
        return session.SendAsync(stanza);
    }

    /// <summary>
    /// Writes raw bytes to the component connected for <paramref name="domain"/>, as they are: for testing how a
    /// component copes with malformed or hostile input.
    /// </summary>
    public Task SendRawAsync(string domain, ReadOnlyMemory<byte> bytes)
    {
        if (!sessions.TryGetValue(domain, out RouterSession? session)) throw new InvalidOperationException($"No component is connected for '{domain}'.");
        return session.SendRawAsync(bytes);
    }

    /// <summary>Waits for the next stanza kept in <see cref="Received"/>.</summary>
    public async Task<XElement> ReceiveAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            return await received.Reader.ReadAsync(cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The router received nothing within {timeout.TotalSeconds:0.###} s.");
        }
    }

    /// <summary>Ends the connection of <paramref name="domain"/>, with a stream error when <paramref name="condition"/> is given.</summary>
    public Task DisconnectAsync(string domain, StreamErrorCondition? condition = null) =>
        sessions.TryGetValue(domain, out RouterSession? session) ? session.CloseAsync(condition) : Task.CompletedTask;

    /// <summary>
    /// Waits for the next authenticated connection to end and tells whether it ended cleanly: the component sent
    /// <c>&lt;/stream:stream&gt;</c> before the socket closed.
    /// </summary>
    public async Task<(string Domain, bool Clean)> WaitForDisconnectAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            return await disconnects.Reader.ReadAsync(cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No component disconnected within {timeout.TotalSeconds:0.###} s.");
        }
    }

    /// <summary>Closes every connection and stops listening.</summary>
    public async ValueTask DisposeAsync()
    {
        if (listener is not null) await listener.CloseAsync().ConfigureAwait(false);
        IChannel[] open;
        lock (children) open = [.. children];
        foreach (IChannel channel in open) await channel.CloseAsync().ConfigureAwait(false);
        received.Writer.TryComplete();
    }

    internal bool TryGetSecret(string domain, out string secret) => secrets.TryGetValue(domain, out secret!);

    internal bool Register(string domain, RouterSession session)
    {
        while (true)
        {
            if (sessions.TryAdd(domain, session)) break;
            if (!sessions.TryGetValue(domain, out RouterSession? existing)) continue;
            switch (ConflictPolicy)
            {
                case ConflictPolicy.RejectNew:
                    return false;
                case ConflictPolicy.ReplaceOld:
                    if (!sessions.TryUpdate(domain, session, existing)) continue;
                    _ = existing.CloseAsync(StreamErrorCondition.Conflict);
                    break;
                default:
                    if (!sessions.TryUpdate(domain, session, existing)) continue;
                    break;
            }
            break;
        }
        if (connectedWaiters.TryRemove(domain, out TaskCompletionSource? waiter)) waiter.TrySetResult();
        return true;
    }

    internal void Unregister(string domain, RouterSession session, bool clean)
    {
        sessions.TryRemove(new KeyValuePair<string, RouterSession>(domain, session));
        disconnects.Writer.TryWrite((domain, clean));
    }

    internal void Route(RouterSession origin, string fromDomain, XElement stanza)
    {
        if (RefusesStanza?.Invoke(stanza) == true)
        {
            _ = origin.CloseAsync(StreamErrorCondition.PolicyViolation);
            return;
        }
        string? target = DomainOf(stanza.To());
        if (DropsSelfAddressedIqs && stanza.Name.LocalName == "iq" && string.Equals(target, fromDomain, StringComparison.OrdinalIgnoreCase)) return;
        if (target is not null && sessions.TryGetValue(target, out RouterSession? destination))
        {
            Routed?.Invoke(new RoutedStanza(fromDomain, stanza, target));
            _ = destination.SendAsync(stanza);
            return;
        }
        if (stanza.IsRequest() && AnswerAsServer(stanza) is { } answer)
        {
            Routed?.Invoke(new RoutedStanza(fromDomain, stanza, Domain));
            answer.SetAttributeValue("from", stanza.To() ?? Domain);
            _ = origin.SendAsync(answer);
            return;
        }
        Routed?.Invoke(new RoutedStanza(fromDomain, stanza, null));
        received.Writer.TryWrite(stanza);
    }

    /// <summary>
    /// What a server answers itself: the queries it knows when addressed to its own domain (or to nobody), and
    /// <c>service-unavailable</c> for another domain that no component serves. Null when the test is to answer: a
    /// request to a user of the server's domain, or a query the server does not know.
    /// </summary>
    private XElement? AnswerAsServer(XElement iq)
    {
        if (!Jid.TryParse(iq.To() ?? Domain, out Jid? to)) return ServerResponder.Unavailable(iq);
        if (!string.Equals(to.Domain, Domain, StringComparison.OrdinalIgnoreCase)) return ServerResponder.Unavailable(iq);
        return to.Local is null && to.Resource is null ? ServerResponder.AnswerForServer(iq, Domain, sessions.Keys) : null;
    }

    private static string? DomainOf(string? address) => Jid.TryParse(address, out Jid? jid) ? jid.Domain : null;
}
