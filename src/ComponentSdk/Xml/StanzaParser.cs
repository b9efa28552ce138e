using System.Buffers;
using System.Text;
using System.Xml.Linq;

namespace ComponentSdk.Xml;

/// <summary>
/// Builds an <see cref="XElement"/> from the complete bytes of one framed element, and a <see cref="StreamHeader"/>
/// from a stream's opening tag. Checks well-formedness as strictly as <see cref="System.Xml.XmlReader"/> does
/// (names, attribute syntax and uniqueness, matching end tags, namespace declarations and prefixes, references).
/// Elements in the stream's content namespaces (<c>jabber:client</c>, <c>jabber:server</c>,
/// <c>jabber:component:accept</c> and the header's default namespace) come out in no namespace, so
/// <c>/message/body</c> matches without prefixes; payload namespaces are kept. No namespace declaration
/// attributes are added to the tree. Works on frames from <see cref="StanzaFramer"/>, which has already refused
/// '&lt;' in attribute values, <c>]]&gt;</c> in text, control characters and undefined references. Not thread-safe: one instance per stream.
/// </summary>
internal sealed class StanzaParser(XmlLimits limits)
{
    private static readonly SearchValues<byte> AttributeSpecials = SearchValues.Create("&\r\n\t"u8);

    // The caches of the thread parsing now, taken at the start of each parse.
    private NameCache names = NameCache.ForThisThread;
    private ValueCache values = ValueCache.ForThisThread;
    private readonly NamespaceScope scope = new();
    private XNamespace[] contentNamespaces = [XNamespace.Get(Namespaces.Client), XNamespace.Get(Namespaces.Server), XNamespace.Get(Namespaces.ComponentAccept)];
    private RawAttribute[] attributes = new RawAttribute[8];
    private int attributeCount;
    private bool sawNamespaceDeclaration;
    private OpenElement[] open = new OpenElement[16];
    private char[] chars = new char[256];

    private enum TextMode { Text, Attribute, CData }

    private struct RawAttribute
    {
        public int NameStart;
        public int NameLength;
        public int Colon;
        public int ValueStart;
        public int ValueLength;
    }

    private struct OpenElement
    {
        public XElement Element;
        public int NameStart;
        public int NameLength;
        public int ScopeMark;
        public XNamespace ParentDefault;
    }

    public StanzaParser()
        : this(XmlLimits.Default)
    {
    }

    /// <summary>True once a stream header was parsed since the last <see cref="Reset"/>.</summary>
    public bool HasHeader { get; private set; }

    /// <summary>Forgets the stream header: the next thing parsed must be a new one.</summary>
    public void Reset()
    {
        HasHeader = false;
        scope.Reset(XNamespace.None, []);
    }

    /// <summary>Parses a stream opening tag and makes its namespace bindings the scope for the stanzas that follow.</summary>
    public StreamHeader ParseHeader(ReadOnlySpan<byte> tag)
    {
        scope.Reset(XNamespace.None, []);
        names = NameCache.ForThisThread;
        values = ValueCache.ForThisThread;
        names.Restart();
        values.Restart();
        XNamespace defaultNamespace = XNamespace.None;
        int pos = 0;
        if (tag.IsEmpty || tag[0] != (byte)'<') throw new MalformedXmlException("Expected the stream header.");
        XElement element = ParseStartTag(tag, ref pos, ref defaultNamespace, out bool empty, out _, out _);
        if (empty || pos != tag.Length) throw new MalformedXmlException("Malformed stream header.");
        if (element.Name.LocalName != "stream" || element.Name.NamespaceName != Namespaces.Streams)
        {
            throw new StreamViolationException(StreamErrorCondition.InvalidNamespace,
                $"The stream element must be 'stream' in '{Namespaces.Streams}', not '{element.Name}'.");
        }

        var prefixes = new Dictionary<string, string>();
        for (int i = 0; i < attributeCount; i++)
        {
            RawAttribute a = attributes[i];
            if (a.Colon < 0 || !IsXmlns(tag.Slice(a.NameStart, a.Colon))) continue;
            string prefix = Utf8Text.Decode(tag.Slice(a.NameStart + a.Colon + 1, a.NameLength - a.Colon - 1));
            prefixes[prefix] = Decode(tag.Slice(a.ValueStart, a.ValueLength), TextMode.Attribute);
        }

        scope.Reset(defaultNamespace, prefixes);
        contentNamespaces = [XNamespace.Get(Namespaces.Client), XNamespace.Get(Namespaces.Server), XNamespace.Get(Namespaces.ComponentAccept), defaultNamespace];
        HasHeader = true;

        return new StreamHeader
        {
            Id = (string?)element.Attribute("id"),
            From = (string?)element.Attribute("from"),
            To = (string?)element.Attribute("to"),
            Version = (string?)element.Attribute("version"),
            Language = (string?)element.Attribute(XNamespace.Xml + "lang"),
            DefaultNamespace = defaultNamespace.NamespaceName,
            StreamNamespace = element.Name.NamespaceName,
            Prefixes = prefixes,
        };
    }

    /// <summary>Parses the complete bytes of one element (a stanza).</summary>
    public XElement ParseStanza(ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty || s[0] != (byte)'<') throw new MalformedXmlException("A stanza must start with '<'.");
        int pos = 0;
        names = NameCache.ForThisThread;
        values = ValueCache.ForThisThread;
        names.Restart();
        values.Restart();
        XNamespace current = scope.RootDefault;
        int rootMark = scope.Mark;
        try
        {
            XElement root = ParseStartTag(s, ref pos, ref current, out bool empty, out int rootName, out int rootNameLength);
            if (empty)
            {
                if (pos != s.Length) throw new MalformedXmlException("Content after the end of the stanza.");
                return root;
            }

            int depth = 0;
            open[depth++] = new OpenElement { Element = root, NameStart = rootName, NameLength = rootNameLength, ScopeMark = rootMark, ParentDefault = scope.RootDefault };
            while (true)
            {
                // Most tags follow another tag directly: no search for those.
                int i = pos < s.Length && s[pos] == (byte)'<' ? 0 : s[pos..].IndexOf((byte)'<');
                if (i < 0) throw new MalformedXmlException("An element is not closed.");
                if (i > 0) open[depth - 1].Element.Add(Decode(s.Slice(pos, i), TextMode.Text));
                pos += i;
                if (pos + 1 >= s.Length) throw new MalformedXmlException("An element is not closed.");

                byte next = s[pos + 1];
                if (next == (byte)'/')
                {
                    ref OpenElement top = ref open[depth - 1];
                    pos = ParseEndTag(s, pos, s.Slice(top.NameStart, top.NameLength));
                    scope.PopTo(top.ScopeMark);
                    current = top.ParentDefault;
                    if (top.Element.IsEmpty) top.Element.Add(string.Empty);
                    top = default;
                    if (--depth == 0)
                    {
                        if (pos != s.Length) throw new MalformedXmlException("Content after the end of the stanza.");
                        return root;
                    }
                }
                else if (next == (byte)'!')
                {
                    pos = ParseCData(s, pos, open[depth - 1].Element);
                }
                else if (next == (byte)'?')
                {
                    throw new RestrictedXmlException("Processing instructions are not allowed on an XMPP stream.");
                }
                else
                {
                    int mark = scope.Mark;
                    XNamespace parentDefault = current;
                    XElement child = ParseStartTag(s, ref pos, ref current, out bool childEmpty, out int name, out int nameLength);
                    open[depth - 1].Element.Add(child);
                    if (childEmpty)
                    {
                        scope.PopTo(mark);
                        current = parentDefault;
                    }
                    else
                    {
                        if (depth == open.Length) Array.Resize(ref open, depth * 2);
                        open[depth++] = new OpenElement { Element = child, NameStart = name, NameLength = nameLength, ScopeMark = mark, ParentDefault = parentDefault };
                    }
                }
            }
        }
        finally
        {
            scope.PopToRoot();
        }
    }

    /// <summary>Parses <c>&lt;name attr='v'...&gt;</c> at <paramref name="pos"/> and builds the element.</summary>
    private XElement ParseStartTag(ReadOnlySpan<byte> s, ref int pos, ref XNamespace currentDefault, out bool empty, out int nameStart, out int nameLength)
    {
        pos++;
        nameStart = pos;
        pos = ScanQName(s, pos, out int colon);
        nameLength = pos - nameStart;
        attributeCount = 0;
        sawNamespaceDeclaration = false;
        while (true)
        {
            int spaceStart = pos;
            pos = SkipWhitespace(s, pos);
            if (pos >= s.Length) throw new MalformedXmlException("A start tag is not closed.");
            byte b = s[pos];
            if (b == (byte)'>') { pos++; empty = false; break; }
            if (b == (byte)'/')
            {
                if (pos + 1 < s.Length && s[pos + 1] == (byte)'>') { pos += 2; empty = true; break; }
                throw new MalformedXmlException("Malformed empty-element tag.");
            }
            if (pos == spaceStart) throw new MalformedXmlException("Attributes must be separated by whitespace.");
            // Before any name is made: a flood of made-up attributes costs this scan and nothing more.
            if (attributeCount == limits.MaxAttributes) throw new TooManyAttributesException(limits.MaxAttributes);
            ParseAttribute(s, ref pos);
        }

        if (sawNamespaceDeclaration) DeclareNamespaces(s, ref currentDefault);

        XNamespace ns;
        if (colon < 0)
        {
            ns = currentDefault;
        }
        else
        {
            ReadOnlySpan<byte> prefix = s.Slice(nameStart, colon);
            if (IsXmlns(prefix)) throw new MalformedXmlException("The 'xmlns' prefix is reserved for namespace declarations.");
            ns = scope.Lookup(prefix) ?? throw UndeclaredPrefix(prefix);
        }
        var element = new XElement(names.GetName(s.Slice(nameStart + colon + 1, nameLength - colon - 1), MapContent(ns)));

        for (int i = 0; i < attributeCount; i++)
        {
            RawAttribute a = attributes[i];
            ReadOnlySpan<byte> rawName = s.Slice(a.NameStart, a.NameLength);
            if (sawNamespaceDeclaration && IsNamespaceDeclaration(rawName, a.Colon)) continue;
            XNamespace attributeNs = XNamespace.None;
            if (a.Colon >= 0)
            {
                ReadOnlySpan<byte> prefix = rawName[..a.Colon];
                attributeNs = scope.Lookup(prefix) ?? throw UndeclaredPrefix(prefix);
            }
            XName attributeName = names.GetName(rawName[(a.Colon + 1)..], attributeNs);
            ReadOnlySpan<byte> rawValue = s.Slice(a.ValueStart, a.ValueLength);
            if (!values.TryPredict(rawValue, out string? value))
            {
                value = attributeName.LocalName != "id" && rawValue.IndexOfAny(AttributeSpecials) < 0
                    ? values.Get(rawValue)
                    : Decode(rawValue, TextMode.Attribute);
            }
            try
            {
                element.Add(new XAttribute(attributeName, value));
            }
            catch (InvalidOperationException)
            {
                // XElement refuses a second attribute with the same expanded name.
                throw new MalformedXmlException($"Duplicate attribute '{attributeName}'.");
            }
        }
        return element;
    }

    private void ParseAttribute(ReadOnlySpan<byte> s, ref int pos)
    {
        int nameStart = pos;
        pos = ScanQName(s, pos, out int colon);
        int nameLength = pos - nameStart;
        pos = SkipWhitespace(s, pos);
        if (pos >= s.Length || s[pos] != (byte)'=') throw new MalformedXmlException("An attribute has no value.");
        pos = SkipWhitespace(s, pos + 1);
        if (pos >= s.Length || (s[pos] != (byte)'"' && s[pos] != (byte)'\''))
            throw new MalformedXmlException("Attribute values must be quoted.");
        byte quote = s[pos++];
        // The framer has already refused '<' inside attribute values.
        int length = s[pos..].IndexOf(quote);
        if (length < 0) throw new MalformedXmlException("An attribute value is not closed.");

        if (s[nameStart] == (byte)'x' && IsNamespaceDeclaration(s.Slice(nameStart, nameLength), colon)) sawNamespaceDeclaration = true;
        if (attributeCount == attributes.Length) Array.Resize(ref attributes, attributeCount * 2);
        attributes[attributeCount++] = new RawAttribute
        {
            NameStart = nameStart, NameLength = nameLength, Colon = colon, ValueStart = pos, ValueLength = length,
        };
        pos += length + 1;
    }

    /// <summary>Applies the <c>xmlns</c> and <c>xmlns:p</c> attributes of the element just read (Namespaces in XML §3).</summary>
    private void DeclareNamespaces(ReadOnlySpan<byte> s, ref XNamespace currentDefault)
    {
        bool sawDefault = false;
        for (int i = 0; i < attributeCount; i++)
        {
            RawAttribute a = attributes[i];
            ReadOnlySpan<byte> rawName = s.Slice(a.NameStart, a.NameLength);
            if (!IsNamespaceDeclaration(rawName, a.Colon)) continue;

            ReadOnlySpan<byte> rawValue = s.Slice(a.ValueStart, a.ValueLength);
            XNamespace ns = rawValue.IndexOfAny(AttributeSpecials) < 0
                ? names.GetNamespace(rawValue)
                : NameCache.GetNamespace(Decode(rawValue, TextMode.Attribute));

            if (a.Colon < 0)
            {
                if (sawDefault) throw new MalformedXmlException("Duplicate default namespace declaration.");
                sawDefault = true;
                if (ns == XNamespace.Xml || ns.NamespaceName == Namespaces.Xmlns)
                    throw new MalformedXmlException("A reserved namespace cannot be the default namespace.");
                currentDefault = ns;
                continue;
            }

            ReadOnlySpan<byte> prefix = rawName[(a.Colon + 1)..];
            if (ns == XNamespace.None) throw new MalformedXmlException("A namespace prefix cannot be bound to the empty name.");
            if (IsXmlns(prefix)) throw new MalformedXmlException("The 'xmlns' prefix cannot be declared.");
            bool isXmlPrefix = prefix.SequenceEqual("xml"u8);
            if (isXmlPrefix != (ns == XNamespace.Xml) || ns.NamespaceName == Namespaces.Xmlns)
                throw new MalformedXmlException("The 'xml' prefix and namespace can only be bound to each other.");
            if (prefix.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0) names.GetName(prefix, XNamespace.None); // validates a non-ASCII prefix
            if (DeclaredHere(s, i, prefix)) throw new MalformedXmlException("Duplicate namespace declaration.");
            scope.Push(prefix.ToArray(), ns);
        }
    }

    private bool DeclaredHere(ReadOnlySpan<byte> s, int index, ReadOnlySpan<byte> prefix)
    {
        for (int j = 0; j < index; j++)
        {
            RawAttribute a = attributes[j];
            ReadOnlySpan<byte> rawName = s.Slice(a.NameStart, a.NameLength);
            if (a.Colon >= 0 && IsXmlns(rawName[..a.Colon]) && rawName[(a.Colon + 1)..].SequenceEqual(prefix)) return true;
        }
        return false;
    }

    private static int ParseEndTag(ReadOnlySpan<byte> s, int pos, ReadOnlySpan<byte> expected)
    {
        int nameStart = pos + 2;
        if (!s[nameStart..].StartsWith(expected))
            throw new MalformedXmlException($"The end tag does not match the start tag '{Encoding.UTF8.GetString(expected)}'.");
        pos = SkipWhitespace(s, nameStart + expected.Length);
        if (pos >= s.Length || s[pos] != (byte)'>')
            throw new MalformedXmlException($"The end tag does not match the start tag '{Encoding.UTF8.GetString(expected)}'.");
        return pos + 1;
    }

    private int ParseCData(ReadOnlySpan<byte> s, int pos, XElement parent)
    {
        if (!s[pos..].StartsWith("<![CDATA["u8))
        {
            if (s[pos..].StartsWith("<!--"u8)) throw new RestrictedXmlException("Comments are not allowed on an XMPP stream.");
            throw new MalformedXmlException("Malformed markup after '<!'.");
        }
        int start = pos + 9;
        int length = s[start..].IndexOf("]]>"u8);
        if (length < 0) throw new MalformedXmlException("A CDATA section is not closed.");
        if (length > 0) parent.Add(Decode(s.Slice(start, length), TextMode.CData));
        return start + length + 3;
    }

    /// <summary>UTF-8 to string, with references replaced and line ends (and, in attributes, whitespace) normalized.</summary>
    private string Decode(ReadOnlySpan<byte> raw, TextMode mode)
    {
        // One reusable buffer for every text and value: no stack buffer to clear per call.
        if (chars.Length < raw.Length) chars = new char[Math.Max(raw.Length, chars.Length * 2)];
        int special = NextSpecial(raw, mode);
        if (special < 0) return raw.IsEmpty ? string.Empty : new string(chars, 0, Utf8Text.Transcode(raw, chars));

        int written = 0;
        int pos = 0;
        while (true)
        {
            written += Utf8Text.Transcode(raw.Slice(pos, special), chars.AsSpan(written));
            pos += special;
            if (pos >= raw.Length) break;

            byte b = raw[pos];
            if (b == (byte)'&')
            {
                switch (XmlChars.CheckReference(raw[pos..], out int length, out int codePoint))
                {
                    case XmlChars.Reference.Valid:
                        written += new Rune(codePoint).EncodeToUtf16(chars.AsSpan(written));
                        pos += length;
                        break;
                    case XmlChars.Reference.Undefined:
                        throw new RestrictedXmlException("References to undefined entities are not allowed on an XMPP stream.");
                    default:
                        throw new MalformedXmlException("Malformed entity or character reference.");
                }
            }
            else if (b == (byte)'\r')
            {
                chars[written++] = mode == TextMode.Attribute ? ' ' : '\n';
                pos++;
                if (pos < raw.Length && raw[pos] == (byte)'\n') pos++;
            }
            else
            {
                chars[written++] = ' ';
                pos++;
            }

            special = NextSpecial(raw[pos..], mode);
            if (special < 0) special = raw.Length - pos;
        }
        return new string(chars, 0, written);
    }

    private static int NextSpecial(ReadOnlySpan<byte> raw, TextMode mode) => mode switch
    {
        TextMode.Text => raw.IndexOfAny((byte)'&', (byte)'\r'),
        TextMode.Attribute => raw.IndexOfAny(AttributeSpecials),
        _ => raw.IndexOf((byte)'\r'),
    };

    private XNamespace MapContent(XNamespace ns)
    {
        foreach (XNamespace content in contentNamespaces)
        {
            if (ReferenceEquals(ns, content)) return XNamespace.None;
        }
        return ns;
    }

    /// <summary>Scans a QName; <paramref name="colon"/> is the offset of its colon from the start, or -1.</summary>
    private static int ScanQName(ReadOnlySpan<byte> s, int pos, out int colon)
    {
        int start = pos;
        colon = -1;
        if (pos >= s.Length || !XmlChars.IsNameStartByte(s[pos]) || s[pos] == (byte)':')
            throw new MalformedXmlException("Invalid or missing name.");
        pos++;
        while (pos < s.Length && XmlChars.IsNameByte(s[pos]))
        {
            if (s[pos] == (byte)':')
            {
                if (colon >= 0) throw new MalformedXmlException("A name may contain at most one colon.");
                colon = pos - start;
            }
            pos++;
        }
        if (colon == pos - start - 1) throw new MalformedXmlException("A name must not end with a colon.");
        if (colon >= 0 && !XmlChars.IsNameStartByte(s[start + colon + 1])) throw new MalformedXmlException("Invalid local name.");
        return pos;
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> s, int pos)
    {
        while (pos < s.Length && XmlChars.IsWhitespace(s[pos])) pos++;
        return pos;
    }

    private static bool IsXmlns(ReadOnlySpan<byte> name) => name.SequenceEqual("xmlns"u8);

    private static bool IsNamespaceDeclaration(ReadOnlySpan<byte> rawName, int colon) =>
        colon < 0 ? IsXmlns(rawName) : IsXmlns(rawName[..colon]);

    private static MalformedXmlException UndeclaredPrefix(ReadOnlySpan<byte> prefix) =>
        new($"The namespace prefix '{Encoding.UTF8.GetString(prefix)}' is not declared.");
}
