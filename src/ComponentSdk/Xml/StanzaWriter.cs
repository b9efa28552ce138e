using System.Buffers;
using System.Text;
using System.Xml.Linq;

namespace ComponentSdk.Xml;

/// <summary>
/// Serializes stanzas and stream headers to UTF-8 without an XML declaration, escaping text and attribute values,
/// declaring namespaces only where they change. An element in no namespace is written in the stream's stanza
/// namespace at top level and under stanza-namespace parents, and in <c>jabber:client</c> inside foreign payloads
/// (where forwarded stanzas live). Comments and processing instructions in a tree are not written
/// (RFC 6120 §11.1). A character XML 1.0 does not allow throws <see cref="InvalidXmlCharacterException"/> before
/// anything is handed on. Not thread-safe: one instance per stream.
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
    private string streamDefault = Namespaces.ComponentAccept;

    private struct Binding
    {
        public string Prefix;
        public string Namespace;
    }

    /// <summary>The namespace that top-level elements in no namespace are written in.</summary>
    public string StanzaNamespace { get; set; } = Namespaces.ComponentAccept;

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
        Push("xml", Namespaces.Xml);
        Push("stream", header.StreamNamespace);
        foreach ((string prefix, string uri) in header.Prefixes)
        {
            if (prefix is "stream" or "xml") continue;
            WriteAttribute("xmlns:" + prefix, uri);
            Push(prefix, uri);
        }
        rootBindingCount = bindingCount;
        streamDefault = header.DefaultNamespace;
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

    private void Begin()
    {
        if (buffer.Length > RetainedBufferBytes) buffer = new byte[1024];
        length = 0;
    }

    private void WriteElement(XElement element, string inScopeDefault, string? parentNamespace, int depth)
    {
        if (depth > MaxDepth) throw new ArgumentException($"The element nests deeper than {MaxDepth} levels.", nameof(element));
        int mark = bindingCount;
        string ns = EffectiveNamespace(element.Name.NamespaceName, parentNamespace);

        DeclareUserPrefixes(element);
        WriteByte((byte)'<');
        string? prefix = ns == inScopeDefault ? null : LookupPrefix(ns);
        if (prefix is not null)
        {
            WriteAscii(prefix);
            WriteByte((byte)':');
        }
        WriteName(element.Name.LocalName);
        string childDefault = inScopeDefault;
        if (prefix is null && ns != inScopeDefault)
        {
            WriteAttribute("xmlns", ns);
            childDefault = ns;
        }
        for (int i = mark; i < bindingCount; i++) WriteAttribute("xmlns:" + bindings[i].Prefix, bindings[i].Namespace);

        for (XAttribute? attribute = element.FirstAttribute; attribute is not null; attribute = attribute.NextAttribute)
        {
            if (attribute.IsNamespaceDeclaration) continue;
            WriteByte((byte)' ');
            WriteAttributeName(attribute.Name);
            WriteAscii("='");
            WriteEscaped(attribute.Value, attribute: true);
            WriteByte((byte)'\'');
        }

        if (element.IsEmpty)
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
            WriteAscii("</");
            if (prefix is not null)
            {
                WriteAscii(prefix);
                WriteByte((byte)':');
            }
            WriteName(element.Name.LocalName);
            WriteByte((byte)'>');
        }
        bindingCount = mark;
    }

    /// <summary>Which namespace an element is written in; see the class remarks.</summary>
    private string EffectiveNamespace(string ns, string? parentNamespace)
    {
        bool stanzaLike = ns.Length == 0 || IsStanzaNamespace(ns);
        if (!stanzaLike) return ns;
        if (parentNamespace is null) return StanzaNamespace;
        if (ns.Length == 0) return IsStanzaNamespace(parentNamespace) || parentNamespace == StanzaNamespace ? parentNamespace : Namespaces.Client;
        return ns;
    }

    private static bool IsStanzaNamespace(string ns) =>
        ns is Namespaces.Client or Namespaces.ComponentAccept or Namespaces.Server;

    /// <summary>Binds the prefixes the caller declared with <c>xmlns:p</c> attributes, unless already bound the same way.</summary>
    private void DeclareUserPrefixes(XElement element)
    {
        for (XAttribute? attribute = element.FirstAttribute; attribute is not null; attribute = attribute.NextAttribute)
        {
            if (!attribute.IsNamespaceDeclaration || attribute.Name.Namespace != XNamespace.Xmlns) continue;
            string prefix = attribute.Name.LocalName;
            if (prefix == "xml" || LookupNamespace(prefix) == attribute.Value) continue;
            Push(prefix, attribute.Value);
        }
    }

    private void WriteAttributeName(XName name)
    {
        string ns = name.NamespaceName;
        if (ns.Length != 0)
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
                WriteEscaped(ns, attribute: true);
                WriteAscii("' ");
            }
            WriteAscii(prefix);
            WriteByte((byte)':');
        }
        WriteName(name.LocalName);
    }

    private void Push(string prefix, string ns)
    {
        if (bindingCount == bindings.Length) Array.Resize(ref bindings, bindingCount * 2);
        bindings[bindingCount++] = new Binding { Prefix = prefix, Namespace = ns };
    }

    private string? LookupNamespace(string prefix)
    {
        for (int i = bindingCount - 1; i >= 0; i--)
        {
            if (bindings[i].Prefix == prefix) return bindings[i].Namespace;
        }
        return null;
    }

    private string? LookupPrefix(string ns)
    {
        for (int i = bindingCount - 1; i >= 0; i--)
        {
            if (bindings[i].Namespace == ns && LookupNamespace(bindings[i].Prefix) == ns) return bindings[i].Prefix;
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
            WriteUtf8(i < 0 ? text : text[..i]);
            if (i < 0) return;

            char c = text[i];
            int consumed = 1;
            switch (c)
            {
                case '&': WriteAscii("&amp;"); break;
                case '<': WriteAscii("&lt;"); break;
                case '>': WriteAscii("&gt;"); break;
                case '"': WriteAscii("&quot;"); break;
                case '\'': WriteAscii("&apos;"); break;
                case '\r': WriteAscii("&#xD;"); break;
                case '\n': WriteAscii("&#xA;"); break;
                case '\t': WriteAscii("&#x9;"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        WriteUtf8(text.Slice(i, 2));
                        consumed = 2;
                        break;
                    }
                    throw new InvalidXmlCharacterException(c);
            }
            text = text[(i + consumed)..];
        }
    }

    private void WriteName(string name) => WriteUtf8(name);

    private void WriteUtf8(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty) return;
        Ensure(text.Length * 3);
        length += Encoding.UTF8.GetBytes(text, buffer.AsSpan(length));
    }

    private void WriteAscii(string text)
    {
        Ensure(text.Length);
        for (int i = 0; i < text.Length; i++) buffer[length + i] = (byte)text[i];
        length += text.Length;
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

    private static string SpecialChars(bool attribute)
    {
        var chars = new StringBuilder("&<>");
        if (attribute) chars.Append("\"'\t\n");
        chars.Append('\r');
        for (char c = '\0'; c < ' '; c++)
        {
            if (c is not ('\t' or '\n' or '\r')) chars.Append(c);
        }
        for (char c = '\uD800'; c <= '\uDFFF'; c++) chars.Append(c);
        chars.Append('\uFFFE').Append('\uFFFF');
        return chars.ToString();
    }
}
