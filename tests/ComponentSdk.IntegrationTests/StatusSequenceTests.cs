namespace ComponentSdk.IntegrationTests;

/// <summary>
/// PCJ's status events, in PCJ's order, for every connection type against the real servers: one StreamStart per
/// stream header, the TLS, authentication, bind and session steps only where the type has them, and the shutdown.
/// </summary>
[NonParallelizable]
[CancelAfter(60_000)]
public class StatusSequenceTests
{
    private const ConnectionStatus Connect = ConnectionStatus.Connect, Connecting = ConnectionStatus.Connecting,
        Connected = ConnectionStatus.Connected,
        SslNegotiate = ConnectionStatus.SslNegotiate, SslSuccess = ConnectionStatus.SslSuccess,
        AuthNegotiate = ConnectionStatus.AuthNegotiate, AuthSuccess = ConnectionStatus.AuthSuccess,
        BindNegotiate = ConnectionStatus.BindNegotiate, BindSuccess = ConnectionStatus.BindSuccess,
        SessionNegotiate = ConnectionStatus.SessionNegotiate, SessionSuccess = ConnectionStatus.SessionSuccess,
        Ready = ConnectionStatus.Ready;

    // PCJ raises NodeSent for each stream header right after its StreamStart; the SDK does so whether or not
    // per-element events are wanted.
    private static readonly ConnectionStatus[] Header = [ConnectionStatus.StreamStart, ConnectionStatus.NodeSent];

    public static IEnumerable<TestCaseData> Cases()
    {
        ConnectionStatus[] accept = [Connect, Connecting, Connected, .. Header, AuthNegotiate, AuthSuccess, Ready];
        yield return new TestCaseData("prosody", ConnectionType.Accept, accept, false);
        yield return new TestCaseData("ejabberd", ConnectionType.Accept, accept, false);

        // The session step comes only where the server offers a session that is not optional; stream management only
        // where it is offered (Prosody, ejabberd; not jabberd2).
        ConnectionStatus[] client = [Connect, Connecting, Connected, .. Header, SslNegotiate, SslSuccess, .. Header,
            AuthNegotiate, AuthSuccess, .. Header, BindNegotiate, BindSuccess, Ready];
        ConnectionStatus[] managed = [.. client[..^1], ConnectionStatus.StreamManagementEnabled, Ready];
        yield return new TestCaseData("prosody", ConnectionType.Client, managed, true);
        yield return new TestCaseData("ejabberd", ConnectionType.Client, managed, true);
        yield return new TestCaseData("jabberd2", ConnectionType.Client, client, true);

        // Legacy over an XMPP 1.0 stream: STARTTLS and a restart, then jabber:iq:auth; no bind, no session.
        ConnectionStatus[] legacy = [Connect, Connecting, Connected, .. Header, SslNegotiate, SslSuccess, .. Header,
            AuthNegotiate, AuthSuccess, Ready];
        yield return new TestCaseData("ejabberd", ConnectionType.Legacy, legacy, false);
        yield return new TestCaseData("jabberd2", ConnectionType.Legacy, legacy, false);

        ConnectionStatus[] jabberd2 = [Connect, Connecting, Connected, .. Header, SslNegotiate, SslSuccess, .. Header,
            AuthNegotiate, AuthSuccess, .. Header, BindNegotiate, BindSuccess, Ready];
        yield return new TestCaseData("jabberd2", ConnectionType.Jabberd2, jabberd2, false);
    }

    private static ConnectionOptions Options(string server, ConnectionType type)
    {
        XmppServer xmpp = Servers.Get(server);
        return type switch
        {
            ConnectionType.Accept => xmpp.Component("echo.localhost", "secret"),
            ConnectionType.Jabberd2 => xmpp.RouterComponent("echo.localhost"),
            _ => xmpp.Client("alice", "alicepw", type),
        };
    }

    [TestCaseSource(nameof(Cases))]
    public async Task ConnectingAndShuttingDownRaisePcjsStatusesInPcjsOrder(string server, ConnectionType type, ConnectionStatus[] expected,
        bool sessionMayFollowBind, CancellationToken cancellationToken)
    {
        await using var component = new Component(Options(server, type));
        var statuses = new List<ConnectionStatus>();
        var errors = new List<string>();
        var finished = new TaskCompletionSource();
        component.StatusChanged += (_, e) =>
        {
            lock (statuses)
            {
                statuses.Add(e.Status);
                if (e.Error is not null) errors.Add($"{e.Status}: {e.Error.Message}");
            }
            if (e.Status == ConnectionStatus.ShutdownFinish) finished.TrySetResult();
        };

        await component.ConnectAsync(cancellationToken);
        await component.ShutdownAsync(cancellationToken);
        await finished.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);

        List<ConnectionStatus> seen;
        lock (statuses) seen = [.. statuses];
        string all = string.Join(", ", seen) + string.Concat(errors.Select(e => "\n" + e));
        // jabberd2's router advertises names whenever it likes: not a step of the connection.
        seen.RemoveAll(s => s == ConnectionStatus.NameAdvertised);
        int session = seen.IndexOf(SessionNegotiate);
        if (session >= 0)
        {
            Assert.That(sessionMayFollowBind, Is.True, $"{type} has no session step: {all}");
            Assert.That(seen[session - 1], Is.EqualTo(BindSuccess), $"the session follows the bind: {all}");
            Assert.That(seen[session + 1], Is.EqualTo(SessionSuccess), all);
            seen.RemoveRange(session, 2);
        }
        Assert.That(seen.Take(expected.Length), Is.EqualTo(expected), all);

        List<ConnectionStatus> shutdown = seen[expected.Length..];
        if (type == ConnectionType.Jabberd2)
        {
            // The router asks a freshly bound name for its disco#info; when the question comes after our closing tag,
            // the answer is queued for the next connection, with PCJ's SocketDisconnect for output while
            // disconnected, at any time during or after the shutdown.
            int first = shutdown.IndexOf(ConnectionStatus.SocketDisconnect);
            shutdown = [.. shutdown.Where((s, i) => s != ConnectionStatus.SocketDisconnect || i == first)];
        }
        Assert.That(shutdown, Is.EqualTo(new[]
        {
            ConnectionStatus.StreamEnd, ConnectionStatus.ShutdownStart, ConnectionStatus.SocketDisconnect, ConnectionStatus.ShutdownFinish,
        }), all);
    }
}
