using System.Xml.Linq;
using ComponentSdk.Sasl;
using ComponentSdk.Xml;

namespace ComponentSdk.Protocols;

/// <summary>The XMPP framing of one SASL exchange (RFC 6120 §6.4): auth, challenge/response, success, failure.</summary>
internal sealed class SaslExchange(ISaslMechanism mechanism)
{
    private static readonly XNamespace Sasl = Namespaces.Sasl;

    public string MechanismName => mechanism.Name;

    /// <summary>True when <see cref="Respond"/> may take long and should not run on the event loop.</summary>
    public bool RespondsSlowly => mechanism.RespondsSlowly;

    /// <summary><c>&lt;auth mechanism='...'&gt;</c> with the initial response; a zero-length one is '=' (RFC 6120 §6.4.2).</summary>
    public XElement Auth()
    {
        var auth = new XElement(Sasl + "auth", new XAttribute("mechanism", mechanism.Name));
        if (mechanism.InitialResponse() is { } initial) auth.Value = initial.Length == 0 ? "=" : Convert.ToBase64String(initial);
        return auth;
    }

    /// <exception cref="SaslException">The challenge is malformed or fails the mechanism's checks.</exception>
    public XElement Respond(XElement challenge)
    {
        byte[] response = mechanism.Respond(Decode(challenge.Value));
        return new XElement(Sasl + "response", response.Length == 0 ? null : Convert.ToBase64String(response));
    }

    /// <exception cref="SaslException">The server's proof in <c>&lt;success/&gt;</c> is missing or wrong.</exception>
    public void Succeeded(XElement success) => mechanism.VerifySuccess(Decode(success.Value));

    /// <summary>A <c>&lt;failure/&gt;</c> as the exception the application sees, with its condition and text.</summary>
    public XmppAuthenticationException Refused(XElement failure)
    {
        string condition = failure.Elements().FirstOrDefault(e => e.Name.LocalName != "text")?.Name.LocalName ?? "undefined-condition";
        string? text = (string?)failure.Element(Sasl + "text");
        return new XmppAuthenticationException(condition, text,
            $"The server refused the login ({mechanism.Name}): {condition}{(text is null ? "" : " (" + text + ")")}.");
    }

    /// <summary>The server failed a check of ours (its signature, its rspauth): we refuse to go on.</summary>
    public XmppAuthenticationException ServerNotVerified(SaslException error) =>
        new("server-verification-failed", null, $"The server could not be verified during {mechanism.Name}: {error.Message}", error);

    private static byte[] Decode(string text)
    {
        text = text.Trim();
        if (text.Length == 0 || text == "=") return [];
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new SaslException("The server sent data that is not base64.");
        }
    }
}
