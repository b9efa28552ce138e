using System.Text;

namespace ComponentSdk.Xml;

/// <summary>Checks an XML declaration (<c>&lt;?xml version='1.0' ...?&gt;</c>) at the start of a stream.</summary>
internal static class XmlDeclaration
{
    /// <summary>Throws when the declaration is malformed or names an encoding other than UTF-8 (RFC 6120 §11.6).</summary>
    public static void Validate(ReadOnlySpan<byte> declaration)
    {
        // declaration = "<?xml" ... "?>", ASCII only by construction of a valid one.
        string text = Encoding.UTF8.GetString(declaration[5..^2]);
        int pos = 0;
        bool sawVersion = false;
        var names = new List<string>(3);
        while (true)
        {
            int start = pos;
            while (pos < text.Length && IsSpace(text[pos])) pos++;
            if (pos == text.Length) break;
            if (pos == start) throw Malformed();

            int nameStart = pos;
            while (pos < text.Length && char.IsAsciiLetterLower(text[pos])) pos++;
            string name = text[nameStart..pos];
            while (pos < text.Length && IsSpace(text[pos])) pos++;
            if (pos == text.Length || text[pos++] != '=') throw Malformed();
            while (pos < text.Length && IsSpace(text[pos])) pos++;
            if (pos == text.Length || (text[pos] != '"' && text[pos] != '\'')) throw Malformed();
            char quote = text[pos++];
            int end = text.IndexOf(quote, pos);
            if (end < 0) throw Malformed();
            string value = text[pos..end];
            pos = end + 1;

            names.Add(name);
            switch (name)
            {
                case "version" when names.Count == 1:
                    if (!value.StartsWith("1.", StringComparison.Ordinal) || value.Length < 3 || !value[2..].All(char.IsAsciiDigit))
                        throw new StreamViolationException(StreamErrorCondition.UnsupportedVersion, $"XML version '{value}' is not supported.");
                    sawVersion = true;
                    break;
                case "encoding" when names.Count == 2:
                    if (!value.Equals("UTF-8", StringComparison.OrdinalIgnoreCase))
                        throw new StreamViolationException(StreamErrorCondition.UnsupportedEncoding, $"Encoding '{value}' is not supported; XMPP uses UTF-8.");
                    break;
                case "standalone" when names.Count >= 2 && !names.Take(names.Count - 1).Contains("standalone"):
                    if (value is not ("yes" or "no")) throw Malformed();
                    break;
                default:
                    throw Malformed();
            }
        }
        if (!sawVersion) throw Malformed();
    }

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\r' or '\n';

    private static MalformedXmlException Malformed() => new("Malformed XML declaration.");
}
