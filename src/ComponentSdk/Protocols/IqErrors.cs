using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.Protocols;

/// <summary>The condition of an iq error: the RFC 6120 element, or the legacy numeric code (jabberd2 sends only <c>code='401'</c>).</summary>
internal static class IqErrors
{
    public static (string Condition, string? Text) Read(XElement iq)
    {
        XElement? error = iq.Element("error");
        string? condition = iq.ErrorCondition();
        string? text = (string?)error?.Element(XName.Get("text", Namespaces.StanzaErrors));
        if (condition is null)
        {
            condition = (string?)error?.Attribute("code") switch
            {
                "401" => "not-authorized",
                "403" => "forbidden",
                "404" => "item-not-found",
                "406" => "not-acceptable",
                "409" => "conflict",
                "500" => "internal-server-error",
                "503" => "service-unavailable",
                _ => "undefined-condition",
            };
        }
        return (condition, text);
    }
}
