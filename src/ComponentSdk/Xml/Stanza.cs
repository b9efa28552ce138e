using System.Xml.Linq;

namespace ComponentSdk.Xml;

/// <summary>Helpers for reading and answering stanzas.</summary>
public static class Stanza
{
    /// <summary>The <c>id</c> attribute, or null.</summary>
    public static string? Id(this XElement stanza) => (string?)stanza.Attribute(XmppNames.Id);

    /// <summary>The <c>type</c> attribute, or null.</summary>
    public static string? Type(this XElement stanza) => (string?)stanza.Attribute(XmppNames.Type);

    /// <summary>The <c>from</c> attribute, or null.</summary>
    public static string? From(this XElement stanza) => (string?)stanza.Attribute(XmppNames.From);

    /// <summary>The <c>to</c> attribute, or null.</summary>
    public static string? To(this XElement stanza) => (string?)stanza.Attribute(XmppNames.To);

    /// <summary>
    /// The id of the stanza's XEP-0359 <c>&lt;origin-id/&gt;</c>, set by its sender and the same on every copy it sends,
    /// or null. For a stanza this process sent with acknowledged delivery, also the origin-id the SDK gave it, which is
    /// written on the wire but not added to the element's children.
    /// </summary>
    public static string? OriginId(this XElement stanza) =>
        stanza.Annotation<OriginIdStamp>() is { } stamp ? stamp.Id.ToString("D") : (string?)stanza.Element(OriginIdName)?.Attribute(XmppNames.Id);

    /// <summary>True for an <c>iq</c> of type <c>get</c> or <c>set</c>, which must be answered (RFC 6120 §8.2.3).</summary>
    public static bool IsRequest(this XElement stanza) =>
        stanza.Name.LocalName == "iq" && stanza.Type() is "get" or "set";

    /// <summary>
    /// A copy of <paramref name="stanza"/> sent back: <c>from</c> and <c>to</c> swapped, id, type and content kept,
    /// except the XEP-0359 ids that named the original (<c>&lt;origin-id/&gt;</c>, <c>&lt;stanza-id/&gt;</c>): the
    /// reply is a stanza of its own.
    /// </summary>
    public static XElement ReplyTo(this XElement stanza)
    {
        ArgumentNullException.ThrowIfNull(stanza);
        var reply = new XElement(stanza);
        reply.Elements().Where(e => e.Name.NamespaceName == Namespaces.StanzaIds).Remove();
        string? from = stanza.From();
        string? to = stanza.To();
        reply.SetAttributeValue(XmppNames.From, to);
        reply.SetAttributeValue(XmppNames.To, from);
        return reply;
    }

    /// <summary>The <c>type='result'</c> answer to an iq request, with optional content.</summary>
    public static XElement ResultFor(this XElement iq, params object?[] content)
    {
        ArgumentNullException.ThrowIfNull(iq);
        var result = new XElement(XmppNames.Iq, new XAttribute(XmppNames.Type, "result"));
        CopyAddressing(iq, result);
        result.Add(content);
        return result;
    }

    /// <summary>
    /// The error answer to <paramref name="stanza"/> (RFC 6120 §8.3): same kind and id, addresses swapped, an
    /// <c>&lt;error/&gt;</c> with the defined condition, for example <c>service-unavailable</c>.
    /// </summary>
    public static XElement ErrorFor(this XElement stanza, string condition, string errorType = "cancel", string? text = null)
    {
        ArgumentNullException.ThrowIfNull(stanza);
        ArgumentException.ThrowIfNullOrEmpty(condition);
        XNamespace errors = Namespaces.StanzaErrors;
        var error = new XElement("error", new XAttribute("type", errorType), new XElement(errors + condition));
        if (text is not null) error.Add(new XElement(errors + "text", text));
        var reply = new XElement(stanza.Name, new XAttribute("type", "error"));
        CopyAddressing(stanza, reply);
        if (stanza.Name.LocalName != "iq") reply.Add(stanza.Elements().Where(e => e.Name.LocalName != "error"));
        reply.Add(error);
        return reply;
    }

    /// <summary>The defined condition of a stanza's <c>&lt;error/&gt;</c>, for example <c>item-not-found</c>, or null.</summary>
    public static string? ErrorCondition(this XElement stanza) =>
        stanza.Element("error")?.Elements().FirstOrDefault(e => e.Name.NamespaceName == Namespaces.StanzaErrors && e.Name.LocalName != "text")?.Name.LocalName;

    /// <summary>
    /// Marks <paramref name="element"/>'s text as a secret (a token, a password sent to its owner): it is written to the
    /// connection as it is, and as <c>[redacted]</c> in XML traces and status events. Returns the element.
    /// </summary>
    public static XElement MarkSecret(this XElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        if (element.Annotation<SecretText>() is null) element.AddAnnotation(SecretText.Instance);
        return element;
    }

    /// <summary>True when <see cref="MarkSecret"/> marked the element.</summary>
    public static bool IsMarkedSecret(this XElement element) => element.Annotation<SecretText>() is not null;

    private static readonly XName OriginIdName = XName.Get("origin-id", Namespaces.StanzaIds);

    private static void CopyAddressing(XElement request, XElement answer)
    {
        if (request.Id() is { } id) answer.SetAttributeValue(XmppNames.Id, id);
        if (request.From() is { } from) answer.SetAttributeValue(XmppNames.To, from);
        if (request.To() is { } to) answer.SetAttributeValue(XmppNames.From, to);
    }
}

/// <summary>The annotation behind <see cref="Stanza.MarkSecret"/>.</summary>
internal sealed class SecretText
{
    public static readonly SecretText Instance = new();
}
