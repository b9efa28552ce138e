using System.Xml.Linq;

namespace ComponentSdk.Xml;

/// <summary>Reads and builds <c>&lt;stream:error/&gt;</c> elements (RFC 6120 §4.9).</summary>
public static class StreamError
{
    private static readonly XName ErrorName = XName.Get("error", Namespaces.Streams);
    private static readonly XNamespace Conditions = Namespaces.StreamErrors;

    /// <summary>True when <paramref name="element"/> is a <c>&lt;stream:error/&gt;</c>.</summary>
    public static bool IsStreamError(this XElement element) => element.Name == ErrorName;

    /// <summary>The condition, text and (for <c>see-other-host</c>) the other host of a stream error.</summary>
    public static (StreamErrorCondition Condition, string? Text, string? OtherHost) Parse(XElement error)
    {
        ArgumentNullException.ThrowIfNull(error);
        XElement? condition = error.Elements().FirstOrDefault(e => e.Name.Namespace == Conditions && e.Name.LocalName != "text");
        StreamErrorCondition parsed = condition is null ? StreamErrorCondition.UndefinedCondition : StreamErrorConditions.Parse(condition.Name.LocalName);
        string? text = (string?)error.Element(Conditions + "text");
        string? otherHost = parsed == StreamErrorCondition.SeeOtherHost ? condition?.Value : null;
        return (parsed, text, otherHost);
    }

    /// <summary>A <c>&lt;stream:error/&gt;</c> with the given condition and optional text.</summary>
    public static XElement Create(StreamErrorCondition condition, string? text = null)
    {
        var error = new XElement(ErrorName, new XElement(Conditions + condition.ToElementName()));
        if (text is not null) error.Add(new XElement(Conditions + "text", text));
        return error;
    }
}
