using System.Xml.Linq;

namespace ComponentSdk.Xml;

/// <summary>
/// The names of stanzas and their common attributes and children, as <see cref="XName"/> objects. Using them instead
/// of string literals (<c>stanza.Attribute(XmppNames.Id)</c> rather than <c>stanza.Attribute("id")</c>) saves a lookup
/// in XLinq's name table on every use, which adds up on a per-stanza path.
/// </summary>
public static class XmppNames
{
    /// <summary><c>message</c>.</summary>
    public static readonly XName Message = "message";

    /// <summary><c>presence</c>.</summary>
    public static readonly XName Presence = "presence";

    /// <summary><c>iq</c>.</summary>
    public static readonly XName Iq = "iq";

    /// <summary><c>body</c>, the text of a message.</summary>
    public static readonly XName Body = "body";

    /// <summary>The <c>id</c> attribute.</summary>
    public static readonly XName Id = "id";

    /// <summary>The <c>type</c> attribute.</summary>
    public static readonly XName Type = "type";

    /// <summary>The <c>from</c> attribute.</summary>
    public static readonly XName From = "from";

    /// <summary>The <c>to</c> attribute.</summary>
    public static readonly XName To = "to";
}
