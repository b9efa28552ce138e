using System.Xml.Linq;

namespace ComponentSdk.Xml;

/// <summary>Checks that text can be sent as XML 1.0 (§2.2 Char), before anything is handed to a connection.</summary>
public static class XmlCharacters
{
    /// <summary>Throws <see cref="InvalidXmlCharacterException"/> when an attribute value or text in the tree cannot be sent.</summary>
    public static void EnsureValid(XElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        // The linked list, not Attributes(): no enumerator per element on the send path.
        for (XAttribute? attribute = element.FirstAttribute; attribute is not null; attribute = attribute.NextAttribute) EnsureValid(attribute.Value);
        if (!element.HasElements)
        {
            if (!element.IsEmpty) EnsureValid(element.Value);
            return;
        }
        for (XNode? node = element.FirstNode; node is not null; node = node.NextNode)
        {
            if (node is XElement child) EnsureValid(child);
            else if (node is XText text) EnsureValid(text.Value);
        }
    }

    /// <summary>Throws <see cref="InvalidXmlCharacterException"/> when <paramref name="text"/> cannot be sent.</summary>
    public static void EnsureValid(ReadOnlySpan<char> text)
    {
        int bad = IndexOfInvalid(text);
        if (bad >= 0) throw new InvalidXmlCharacterException(text[bad]);
    }

    /// <summary>The index of the first character XML 1.0 does not allow, or -1.</summary>
    public static int IndexOfInvalid(ReadOnlySpan<char> text)
    {
        int offset = 0;
        while (true)
        {
            // One vectorized pass covers ASCII and most of the BMP; only what lies outside is looked at.
            int i = text[offset..].IndexOfAnyExceptInRange('\u0020', '\uD7FF');
            if (i < 0) return -1;
            offset += i;
            char c = text[offset];
            if (c is '\t' or '\n' or '\r' or (>= '\uE000' and <= '\uFFFD'))
            {
                offset++;
            }
            else if (char.IsHighSurrogate(c) && offset + 1 < text.Length && char.IsLowSurrogate(text[offset + 1]))
            {
                offset += 2;
            }
            else
            {
                return offset;
            }
        }
    }
}
