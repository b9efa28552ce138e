using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
using System.Xml.Linq;

namespace ComponentSdk.Xml;

/// <summary>
/// Serializes stanzas and stream headers to UTF-8 without an XML declaration, escaping text and attribute values,
/// declaring namespaces only where they change. An element in no namespace is written in the stream's stanza
/// namespace at top level and under stanza-namespace parents, and in <c>jabber:client</c> inside foreign payloads
/// (where forwarded stanzas live). Comments and processing instructions in a tree are not written
/// (RFC 6120 §11.1). An <see cref="OriginIdStamp"/> is written as the last child of its element. A character XML 1.0
/// does not allow throws <see cref="InvalidXmlCharacterException"/> before anything is handed on. Not thread-safe: one instance per stream.
/// </summary>
internal sealed class StanzaWriter
{
    /// <summary>The deepest element nesting written.</summary>
    public const int MaxDepth = 256;

    private const int RetainedBufferBytes = 64 * 1024;

    private static readonly SearchValues<char> TextSpecials = SearchValues.Create(SpecialChars(attribute: false));
    private static readonly SearchValues<char> AttributeSpecials = SearchValues.Create(SpecialChars(attribute: true));

    private byte[] buffer = new byte[1024];
    private int length;
    private Binding[] bindings = new Binding[8];
    private int bindingCount;
    private int rootBindingCount;
    private int generatedPrefixes;
    // The UTF-8 of local names written on this thread, shared by every stream written on it; taken once per call.
    [ThreadStatic]
    private static NameEntry[]? namesOfThisThread;
    private NameEntry[] names = [];

    private const int NameSlots = 256;

    private struct NameEntry
    {
        public XName? Name;
        public byte[] Bytes;
    }
    private XNamespace streamDefault = ComponentAccept;
    private XNamespace stanzaNamespace = ComponentAccept;

    private static readonly XNamespace Client = Namespaces.Client;
    private static readonly XNamespace ComponentAccept = Namespaces.ComponentAccept;
    private static readonly XNamespace Server = Namespaces.Server;

    private struct Binding
    {
        public string Prefix;
        public XNamespace Namespace;
    }

    /// <summary>The namespace that top-level elements in no namespace are written in.</summary>
    public string StanzaNamespace
    {
        get => stanzaNamespace.NamespaceName;
        set => stanzaNamespace = XNamespace.Get(value);
    }

    /// <summary>The bytes written by the last call, valid until the next call.</summary>
    public ReadOnlySpan<byte> Written => buffer.AsSpan(0, length);

    /// <summary>The bytes written by the last call as an array segment, valid until the next call.</summary>
    public ArraySegment<byte> WrittenSegment => new(buffer, 0, length);

    /// <summary>Writes our stream header and makes its bindings the scope for the stanzas that follow.</summary>
    public ReadOnlySpan<byte> WriteHeader(StreamHeader header)
    {
        Begin();
        WriteAscii("<stream:stream");
        WriteAttribute("from", header.From);
        WriteAttribute("to", header.To);
        WriteAttribute("id", header.Id);
        WriteAttribute("version", header.Version);
        WriteAttribute("xml:lang", header.Language);
        WriteAttribute("xmlns", header.DefaultNamespace);
        WriteAttribute("xmlns:stream", header.StreamNamespace);

        bindingCount = 0;
        Push("xml", XNamespace.Xml);
        Push("stream", XNamespace.Get(header.StreamNamespace));
        foreach ((string prefix, string uri) in header.Prefixes)
        {
            if (prefix is "stream" or "xml") continue;
            WriteAttribute("xmlns:" + prefix, uri);
            Push(prefix, XNamespace.Get(uri));
        }
        rootBindingCount = bindingCount;
        streamDefault = XNamespace.Get(header.DefaultNamespace);
        WriteByte((byte)'>');
        return Written;
    }

    /// <summary>Writes <c>&lt;/stream:stream&gt;</c>.</summary>
    public ReadOnlySpan<byte> WriteFooter()
    {
        Begin();
        WriteAscii("</stream:stream>");
        return Written;
    }

    /// <summary>Writes one stanza.</summary>
    public ReadOnlySpan<byte> WriteStanza(XElement stanza)
    {
        ArgumentNullException.ThrowIfNull(stanza);
        Begin();
        generatedPrefixes = 0;
        bindingCount = rootBindingCount;
        WriteElement(stanza, streamDefault, parentNamespace: null, depth: 1);
        return Written;
    }

    /// <summary>Forgets what was written, and lets a large buffer go.</summary>
    public void Clear() => Begin();

    private void Begin()
    {
        names = namesOfThisThread ??= new NameEntry[NameSlots];
        if (buffer.Length > RetainedBufferBytes) buffer = new byte[1024];
        length = 0;
    }

    private void WriteElement(XElement element, XNamespace inScopeDefault, XNamespace? parentNamespace, int depth)
    {
        if (depth > MaxDepth) throw new ArgumentException($"The element nests deeper than {MaxDepth} levels.", nameof(element));
        int mark = bindingCount;
        XNamespace ns = EffectiveNamespace(element.Name.Namespace, parentNamespace);

        DeclareUserPrefixes(element);
        WriteByte((byte)'<');
        string? prefix = ReferenceEquals(ns, inScopeDefault) ? null : LookupPrefix(ns);
        if (prefix is not null)
        {
            WriteAscii(prefix);
            WriteByte((byte)':');
        }
        WriteName(element.Name);
        XNamespace childDefault = inScopeDefault;
        if (prefix is null && !ReferenceEquals(ns, inScopeDefault))
        {
            WriteAttribute("xmlns", ns.NamespaceName);
            childDefault = ns;
        }
        for (int i = mark; i < bindingCount; i++) WriteAttribute("xmlns:" + bindings[i].Prefix, bindings[i].Namespace.NamespaceName);

        for (XAttribute? attribute = element.FirstAttribute; attribute is not null; attribute = attribute.NextAttribute)
        {
            if (attribute.IsNamespaceDeclaration) continue;
            WriteByte((byte)' ');
            WriteAttributeName(attribute.Name);
            WriteAscii("='");
            WriteEscaped(attribute.Value, attribute: true);
            WriteByte((byte)'\'');
        }

        OriginIdStamp? stamp = element.Annotation<OriginIdStamp>();
        if (element.IsEmpty && stamp is null)
        {
            WriteAscii("/>");
        }
        else
        {
            WriteByte((byte)'>');
            if (!element.HasElements)
            {
                WriteEscaped(element.Value, attribute: false);
            }
            else
            {
                for (XNode? node = element.FirstNode; node is not null; node = node.NextNode)
                {
                    if (node is XElement child) WriteElement(child, childDefault, ns, depth + 1);
                    else if (node is XText text) WriteEscaped(text.Value, attribute: false);
                }
            }
            if (stamp is not null) WriteOriginId(stamp.Id);
            WriteAscii("</");
            if (prefix is not null)
            {
                WriteAscii(prefix);
                WriteByte((byte)':');
            }
            WriteName(element.Name);
            WriteByte((byte)'>');
        }
        bindingCount = mark;
    }

    private static readonly byte[] OriginIdStart = Encoding.UTF8.GetBytes($"<origin-id xmlns='{Namespaces.StanzaIds}' id='");

    /// <summary>The element of an <see cref="OriginIdStamp"/>.</summary>
    private void WriteOriginId(Guid id)
    {
        WriteBytes(OriginIdStart);
        Ensure(36);
        id.TryFormat(buffer.AsSpan(length), out int written, "D");
        length += written;
        WriteBytes("'/>"u8);
    }

    /// <summary>Which namespace an element is written in; see the class remarks.</summary>
    private XNamespace EffectiveNamespace(XNamespace ns, XNamespace? parentNamespace)
    {
        bool none = ReferenceEquals(ns, XNamespace.None);
        if (!none && !IsStanzaNamespace(ns)) return ns;
        if (parentNamespace is null) return stanzaNamespace;
        if (!none) return ns;
        return IsStanzaNamespace(parentNamespace) || ReferenceEquals(parentNamespace, stanzaNamespace) ? parentNamespace : Client;
    }

    private static bool IsStanzaNamespace(XNamespace ns) =>
        ReferenceEquals(ns, Client) || ReferenceEquals(ns, ComponentAccept) || ReferenceEquals(ns, Server);

    /// <summary>Binds the prefixes the caller declared with <c>xmlns:p</c> attributes, unless already bound the same way.</summary>
    private void DeclareUserPrefixes(XElement element)
    {
        for (XAttribute? attribute = element.FirstAttribute; attribute is not null; attribute = attribute.NextAttribute)
        {
            if (!attribute.IsNamespaceDeclaration || attribute.Name.Namespace != XNamespace.Xmlns) continue;
            string prefix = attribute.Name.LocalName;
            XNamespace ns = XNamespace.Get(attribute.Value);
            if (prefix == "xml" || ReferenceEquals(LookupNamespace(prefix), ns)) continue;
            Push(prefix, ns);
        }
    }

    private void WriteAttributeName(XName name)
    {
        XNamespace ns = name.Namespace;
        if (!ReferenceEquals(ns, XNamespace.None))
        {
            string? prefix = LookupPrefix(ns);
            if (prefix is null)
            {
                do prefix = "ns" + (++generatedPrefixes).ToString(System.Globalization.CultureInfo.InvariantCulture);
                while (LookupNamespace(prefix) is not null);
                Push(prefix, ns);
                WriteAscii("xmlns:");
                WriteAscii(prefix);
                WriteAscii("='");
                WriteEscaped(ns.NamespaceName, attribute: true);
                WriteAscii("' ");
            }
            WriteAscii(prefix);
            WriteByte((byte)':');
        }
        WriteName(name);
    }

    private void Push(string prefix, XNamespace ns)
    {
        if (bindingCount == bindings.Length) Array.Resize(ref bindings, bindingCount * 2);
        bindings[bindingCount++] = new Binding { Prefix = prefix, Namespace = ns };
    }

    private XNamespace? LookupNamespace(string prefix)
    {
        for (int i = bindingCount - 1; i >= 0; i--)
        {
            if (bindings[i].Prefix == prefix) return bindings[i].Namespace;
        }
        return null;
    }

    private string? LookupPrefix(XNamespace ns)
    {
        for (int i = bindingCount - 1; i >= 0; i--)
        {
            if (ReferenceEquals(bindings[i].Namespace, ns) && ReferenceEquals(LookupNamespace(bindings[i].Prefix), ns)) return bindings[i].Prefix;
        }
        return null;
    }

    private void WriteAttribute(string name, string? value)
    {
        if (value is null) return;
        WriteByte((byte)' ');
        WriteAscii(name);
        WriteAscii("='");
        WriteEscaped(value, attribute: true);
        WriteByte((byte)'\'');
    }

    private void WriteEscaped(ReadOnlySpan<char> text, bool attribute)
    {
        SearchValues<char> specials = attribute ? AttributeSpecials : TextSpecials;
        while (true)
        {
            int i = text.IndexOfAny(specials);
            WriteText(i < 0 ? text : text[..i]);
            if (i < 0) return;

            switch (text[i])
            {
                case '&': WriteBytes("&amp;"u8); break;
                case '<': WriteBytes("&lt;"u8); break;
                case '>': WriteBytes("&gt;"u8); break;
                case '"': WriteBytes("&quot;"u8); break;
                case '\'': WriteBytes("&apos;"u8); break;
                case '\r': WriteBytes("&#xD;"u8); break;
                case '\n': WriteBytes("&#xA;"u8); break;
                case '\t': WriteBytes("&#x9;"u8); break;
                default: throw new InvalidXmlCharacterException(text[i]);
            }
            text = text[(i + 1)..];
        }
    }

    /// <summary>Writes text without markup characters; non-ASCII text is checked for what XML does not allow.</summary>
    private void WriteText(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty) return;
        Ensure(text.Length * 3);
        Span<byte> destination = buffer.AsSpan(length);
        if (Ascii.FromUtf16(text, destination, out int written) == OperationStatus.Done)
        {
            length += written;
            return;
        }

        // Non-ASCII from here: unpaired surrogates fail the transcoding, U+FFFE and U+FFFF are looked for.
        ReadOnlySpan<char> rest = text[written..];
        int bad = rest.IndexOfAnyInRange('\uFFFE', '\uFFFF');
        if (bad >= 0) throw new InvalidXmlCharacterException(rest[bad]);
        OperationStatus status = Utf8.FromUtf16(rest, destination[written..], out int read, out int restWritten, replaceInvalidSequences: false);
        if (status != OperationStatus.Done) throw new InvalidXmlCharacterException(rest[read]);
        length += written + restWritten;
    }

    private void WriteName(XName name)
    {
        uint slot = (uint)RuntimeHelpers.GetHashCode(name) & (NameSlots - 1);
        ref NameEntry entry = ref names[slot];
        if (!ReferenceEquals(entry.Name, name))
        {
            entry = new NameEntry { Name = name, Bytes = Encoding.UTF8.GetBytes(name.LocalName) };
        }
        WriteBytes(entry.Bytes);
    }

    private void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(buffer.AsSpan(length));
        length += bytes.Length;
    }

    private void WriteAscii(string text)
    {
        Ensure(text.Length);
        Ascii.FromUtf16(text, buffer.AsSpan(length), out int written);
        length += written;
    }

    private void WriteByte(byte b)
    {
        Ensure(1);
        buffer[length++] = b;
    }

    private void Ensure(int count)
    {
        if (buffer.Length - length >= count) return;
        Array.Resize(ref buffer, Math.Max(buffer.Length * 2, length + count));
    }

    /// <summary>ASCII only, so the search is the fast vectorized one; the rest is checked while transcoding.</summary>
    private static string SpecialChars(bool attribute)
    {
        var chars = new StringBuilder("&<>");
        if (attribute) chars.Append("\"'\t\n");
        chars.Append('\r');
        for (char c = '\0'; c < ' '; c++)
        {
            if (c is not ('\t' or '\n' or '\r')) chars.Append(c);
        }
        return chars.ToString();
    }
}
