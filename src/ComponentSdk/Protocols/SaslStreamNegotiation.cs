using System.Xml.Linq;
using ComponentSdk.Sasl;
using ComponentSdk.Transport;
using ComponentSdk.Xml;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Protocols;

/// <summary>
/// A stream negotiation that authenticates with SASL (RFC 6120 §6), shared by the XMPP client and the jabberd2 router
/// protocol: choose a mechanism from what the peer offers, run the exchange, verify the server where the mechanism
/// can, and restart the stream on success.
/// </summary>
internal abstract class SaslStreamNegotiation(ConnectionContext connection) : StreamNegotiation(connection)
{
    private static readonly XNamespace Sasl = Namespaces.Sasl;
    private SaslExchange? sasl;

    /// <summary>True once SASL succeeded on this connection.</summary>
    protected bool Authenticated { get; private set; }

    /// <summary>The credentials from the options, with the TLS channel bindings when the caller can use them (-PLUS).</summary>
    protected SaslCredentials Credentials(IReadOnlyDictionary<string, byte[]>? bindings = null, IReadOnlyCollection<string>? serverBindingTypes = null)
    {
        ConnectionOptions options = Connection.Options;
        return new SaslCredentials(options.Login.Username!, options.Password!, options.Hostname)
        {
            Preference = options.Login.SaslMechanisms?.ToList(),
            TlsActive = Connection.TlsEstablished,
            AllowPlaintextWithoutTls = options.Login.AllowPlaintextWithoutTls,
            Bindings = bindings ?? new Dictionary<string, byte[]>(),
            ServerBindingTypes = serverBindingTypes,
        };
    }

    /// <summary>
    /// Chooses a mechanism among those <paramref name="features"/> offer and sends <c>&lt;auth/&gt;</c>; <paramref name="peer"/>
    /// names who answers in messages ("server", "router").
    /// </summary>
    protected void StartSasl(IChannelHandlerContext context, StreamFeatures features, SaslCredentials credentials, string peer)
    {
        ISaslMechanism? mechanism = SaslMechanismFactory.Choose(features.Mechanisms, credentials, out string reason);
        if (mechanism is null)
        {
            Fail(context, new XmppAuthenticationException("invalid-mechanism", null, $"Cannot authenticate to the {peer}: {reason}."), ConnectionStatus.AuthFail);
            return;
        }
        sasl = new SaslExchange(mechanism);
        Step = $"the {peer}'s answer to SASL {mechanism.Name}";
        Connection.Status(ConnectionStatus.AuthNegotiate, detail: mechanism.Name);
        Send(context, sasl.Auth());
    }

    /// <summary>Handles a SASL element (challenge, success, failure); false when <paramref name="element"/> is not one.</summary>
    protected bool TryHandleSasl(IChannelHandlerContext context, XElement element)
    {
        if (element.Name.Namespace != Sasl || sasl is null) return false;
        try
        {
            switch (element.Name.LocalName)
            {
                case "challenge" when sasl.RespondsSlowly:
                    RespondOffTheLoop(context, sasl, element);
                    break;
                case "challenge":
                    Send(context, sasl.Respond(element));
                    break;
                case "success":
                    sasl.Succeeded(element);
                    Authenticated = true;
                    Connection.Status(ConnectionStatus.AuthSuccess, detail: sasl.MechanismName);
                    RestartStream(context);
                    break;
                case "failure":
                    // Some peers keep the stream open after a failure; retrying the same credentials cannot help.
                    Fail(context, sasl.Refused(element), ConnectionStatus.AuthFail);
                    break;
            }
        }
        catch (SaslException ex)
        {
            Fail(context, sasl.ServerNotVerified(ex), ConnectionStatus.AuthFail);
        }
        return true;
    }

    /// <summary>
    /// Answers a challenge from the thread pool: SCRAM derives its key with as many iterations as the server asks (up
    /// to 10,000,000, seconds of work), which on the event loop would stall every connection that shares it. The
    /// response is sent from the loop once it is ready.
    /// </summary>
    private void RespondOffTheLoop(IChannelHandlerContext context, SaslExchange exchange, XElement challenge)
    {
        Task.Run(() => exchange.Respond(challenge)).ContinueWith(response => context.Executor.Execute(() =>
        {
            if (Finished) return;
            if (response.Exception?.GetBaseException() is SaslException error) Fail(context, exchange.ServerNotVerified(error), ConnectionStatus.AuthFail);
            else if (response.Exception is { } unexpected) Fail(context, unexpected.GetBaseException(), ConnectionStatus.AuthFail);
            else Send(context, response.Result);
        }), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
