using System.Xml.Linq;

namespace ComponentSdk.Xml;

/// <summary>
/// The namespace bindings in effect while a stanza is parsed: the stream header's bindings at the bottom, then
/// those declared by the elements currently open.
/// </summary>
internal sealed class NamespaceScope
{
    private static readonly byte[] XmlPrefix = "xml"u8.ToArray();

    private Binding[] bindings = new Binding[16];
    private int count;
    private int rootCount;

    private struct Binding
    {
        public byte[] Prefix;
        public XNamespace Namespace;
    }

    public NamespaceScope() => Reset(XNamespace.None, []);

    /// <summary>The default namespace of the stream header.</summary>
    public XNamespace RootDefault { get; private set; } = XNamespace.None;

    /// <summary>Replaces everything with the bindings of a (new) stream header.</summary>
    public void Reset(XNamespace defaultNamespace, IEnumerable<KeyValuePair<string, string>> prefixes)
    {
        count = 0;
        RootDefault = defaultNamespace;
        Push(XmlPrefix, XNamespace.Xml);
        foreach ((string prefix, string uri) in prefixes)
        {
            if (prefix != "xml") Push(System.Text.Encoding.UTF8.GetBytes(prefix), XNamespace.Get(uri));
        }
        rootCount = count;
    }

    /// <summary>A mark to return to with <see cref="PopTo"/>.</summary>
    public int Mark => count;

    public void Push(byte[] prefix, XNamespace ns)
    {
        if (count == bindings.Length) Array.Resize(ref bindings, count * 2);
        bindings[count++] = new Binding { Prefix = prefix, Namespace = ns };
    }

    public void PopTo(int mark) => count = Math.Max(mark, rootCount);

    /// <summary>Drops every binding declared inside stanzas.</summary>
    public void PopToRoot() => count = rootCount;

    /// <summary>The namespace bound to <paramref name="prefix"/>, innermost first, or null.</summary>
    public XNamespace? Lookup(ReadOnlySpan<byte> prefix)
    {
        for (int i = count - 1; i >= 0; i--)
        {
            if (prefix.SequenceEqual(bindings[i].Prefix)) return bindings[i].Namespace;
        }
        return null;
    }
}
