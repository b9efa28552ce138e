using System.Xml.Linq;

namespace ComponentSdk;

/// <summary>
/// The jabberd2 router sent one of our routes back with an <c>error</c> code: <c>404</c> (no one serves the
/// destination domain), <c>401</c> (we have not bound the sender's domain), <c>400</c> (no destination). A request
/// whose route bounced fails with this.
/// </summary>
public sealed class RouteErrorException : XmppException
{
    /// <summary>Creates the exception.</summary>
    public RouteErrorException(int code, string? to, string? from, XElement? stanza)
        : base($"The router could not deliver from '{from}' to '{to}': {code} {Describe(code)}.")
    {
        Code = code;
        To = to;
        From = from;
        Stanza = stanza;
    }

    /// <summary>The router's code.</summary>
    public int Code { get; }

    /// <summary>The route's destination.</summary>
    public string? To { get; }

    /// <summary>The route's sender.</summary>
    public string? From { get; }

    /// <summary>The stanza that was in the route.</summary>
    public XElement? Stanza { get; }

    private static string Describe(int code) => code switch
    {
        400 => "(bad request: no or an invalid destination)",
        401 => "(the sender's domain is not bound by this connection)",
        404 => "(no component serves that domain and there is no default route)",
        _ => "(refused by a router filter)",
    };
}
