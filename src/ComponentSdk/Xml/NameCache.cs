using System.Runtime.CompilerServices;
using System.Xml;
using System.Xml.Linq;

namespace ComponentSdk.Xml;

/// <summary>
/// Maps the UTF-8 bytes of names and namespace URIs to <see cref="XName"/> and <see cref="XNamespace"/> objects
/// without allocating on a hit. Fixed size, so a peer sending ever new names costs misses, not memory.
/// A name is checked against the XML Name production when it first enters the cache.
/// </summary>
internal sealed class NameCache
{
    private const int NameSlots = 1024;
    private const int NamespaceSlots = 256;

    private readonly NameEntry[] names = new NameEntry[NameSlots];
    private readonly NamespaceEntry[] namespaces = new NamespaceEntry[NamespaceSlots];

    private struct NameEntry
    {
        public byte[]? Local;
        public XNamespace? Namespace;
        public XName? Name;
    }

    private struct NamespaceEntry
    {
        public byte[]? Uri;
        public XNamespace? Namespace;
    }

    /// <summary>The name <paramref name="local"/> (an NCName, already split from its prefix) in <paramref name="ns"/>.</summary>
    public XName GetName(ReadOnlySpan<byte> local, XNamespace ns)
    {
        uint hash = ByteHash.Of(local) ^ (uint)RuntimeHelpers.GetHashCode(ns);
        ref NameEntry entry = ref names[hash & (NameSlots - 1)];
        if (ReferenceEquals(entry.Namespace, ns) && local.SequenceEqual(entry.Local))
            return entry.Name!;

        string localName = DecodeName(local);
        XName name = ns.GetName(localName);
        entry = new NameEntry { Local = local.ToArray(), Namespace = ns, Name = name };
        return name;
    }

    /// <summary>The namespace whose URI is <paramref name="uri"/>; the empty URI is <see cref="XNamespace.None"/>.</summary>
    public XNamespace GetNamespace(ReadOnlySpan<byte> uri)
    {
        if (uri.IsEmpty) return XNamespace.None;
        uint hash = ByteHash.Of(uri);
        ref NamespaceEntry entry = ref namespaces[hash & (NamespaceSlots - 1)];
        if (uri.SequenceEqual(entry.Uri)) return entry.Namespace!;

        XNamespace ns = XNamespace.Get(Utf8Text.Decode(uri));
        entry = new NamespaceEntry { Uri = uri.ToArray(), Namespace = ns };
        return ns;
    }

    /// <summary>The namespace whose URI is the already decoded <paramref name="uri"/>.</summary>
    public static XNamespace GetNamespace(string uri) => uri.Length == 0 ? XNamespace.None : XNamespace.Get(uri);

    private static string DecodeName(ReadOnlySpan<byte> local)
    {
        string name = Utf8Text.Decode(local);
        try
        {
            XmlConvert.VerifyNCName(name);
        }
        catch (XmlException)
        {
            throw new MalformedXmlException($"'{name}' is not a valid XML name.");
        }
        return name;
    }
}
