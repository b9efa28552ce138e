using System.Xml.Linq;

namespace ComponentSdk;

/// <summary>A request was answered with a stanza error (RFC 6120 §8.3): its condition, its text, and the stanza.</summary>
public sealed class StanzaErrorException : XmppException
{
    /// <summary>Creates the exception from the error reply.</summary>
    public StanzaErrorException(XElement reply)
        : base(Describe(reply ?? throw new ArgumentNullException(nameof(reply))))
    {
        Reply = reply;
        Condition = ConditionOf(reply);
        Text = TextOf(reply);
    }

    /// <summary>The defined condition, for example <c>forbidden</c>.</summary>
    public string Condition { get; }

    /// <summary>The server's explanation, when it gave one.</summary>
    public string? Text { get; }

    /// <summary>The error reply as received.</summary>
    public XElement Reply { get; }

    private const string StanzaErrors = "urn:ietf:params:xml:ns:xmpp-stanzas";

    private static string ConditionOf(XElement reply) =>
        reply.Element("error")?.Elements().FirstOrDefault(e => e.Name.NamespaceName == StanzaErrors && e.Name.LocalName != "text")?.Name.LocalName
        ?? "undefined-condition";

    private static string? TextOf(XElement reply) => reply.Element("error")?.Elements().FirstOrDefault(e => e.Name.LocalName == "text")?.Value;

    private static string Describe(XElement reply)
    {
        string? text = TextOf(reply);
        return $"{(string?)reply.Attribute("from") ?? "The server"} answered with the error '{ConditionOf(reply)}'{(text is null ? "" : $": {text}")}.";
    }
}
