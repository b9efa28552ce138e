using System.Runtime.CompilerServices;
using System.Xml.Linq;

namespace ComponentSdk.Xml;

/// <summary>
/// Maps the UTF-8 bytes of names and namespace URIs to <see cref="XName"/> and <see cref="XNamespace"/> objects
/// without allocating on a hit. Fixed size, so a peer sending ever new names costs misses, not memory; the names
/// themselves, which .NET keeps once made, are bounded by <see cref="PeerNames"/>.
/// A name is checked against the XML Name production when it first enters the cache.
/// </summary>
/// <remarks>
/// One cache serves every stream parsed on a thread (<see cref="ForThisThread"/>): names repeat across streams as
/// much as within one, and ten thousand connections on a few event loops then share a few caches instead of
/// holding one each. Stanzas on a stream repeat their shape, so each lookup first tries what was asked for at the same position of
/// the stanza before (<see cref="Restart"/> starts a stanza): one comparison instead of a hash on the common path.
/// </remarks>
internal sealed class NameCache
{
    private const int NameSlots = 1024;
    private const int NamespaceSlots = 256;
    private const int PositionSlots = 32;

    [ThreadStatic]
    private static NameCache? forThisThread;

    private readonly NameEntry[] names = new NameEntry[NameSlots];
    private readonly NamespaceEntry[] namespaces = new NamespaceEntry[NamespaceSlots];
    private readonly NameEntry[] namesByPosition = new NameEntry[PositionSlots];
    private readonly NamespaceEntry[] namespacesByPosition = new NamespaceEntry[PositionSlots];
    private int namePosition;
    private int namespacePosition;
    private int newNames;

    /// <summary>The most names new to the process that one stanza may bring; beyond, it is refused.</summary>
    public const int MaxNewNamesPerStanza = 1024;

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

    /// <summary>The cache of the calling thread; parsing is synchronous, so one stanza never shares it with another.</summary>
    public static NameCache ForThisThread => forThisThread ??= new NameCache();

    /// <summary>Starts a stanza: names and namespaces are expected in the order of the stanza before.</summary>
    public void Restart() => namePosition = namespacePosition = newNames = 0;

    /// <summary>The name <paramref name="local"/> (an NCName, already split from its prefix) in <paramref name="ns"/>.</summary>
    public XName GetName(ReadOnlySpan<byte> local, XNamespace ns)
    {
        ref NameEntry predicted = ref namesByPosition[namePosition++ & (PositionSlots - 1)];
        if (ReferenceEquals(predicted.Namespace, ns) && local.SequenceEqual(predicted.Local)) return predicted.Name!;
        ref NameEntry entry = ref Lookup(local, ns);
        predicted = entry;
        return entry.Name!;
    }

    private ref NameEntry Lookup(ReadOnlySpan<byte> local, XNamespace ns)
    {
        uint hash = ByteHash.Of(local) ^ (uint)RuntimeHelpers.GetHashCode(ns);
        ref NameEntry entry = ref names[hash & (NameSlots - 1)];
        if (ReferenceEquals(entry.Namespace, ns) && local.SequenceEqual(entry.Local)) return ref entry;

        XName name = PeerNames.Get(ns, Utf8Text.Decode(local), out bool isNew);
        // Real stanzas use a handful of names, almost all known already; a stanza inventing them by the thousand costs
        // a miss each, and is refused once it has brought more new names than any real one would.
        if (isNew && ++newNames > MaxNewNamesPerStanza)
        {
            throw new StreamViolationException(StreamErrorCondition.PolicyViolation,
                $"A stanza brought more than {MaxNewNamesPerStanza} element and attribute names never seen before.");
        }
        entry = new NameEntry { Local = local.ToArray(), Namespace = ns, Name = name };
        return ref entry;
    }

    /// <summary>The namespace whose URI is <paramref name="uri"/>; the empty URI is <see cref="XNamespace.None"/>.</summary>
    public XNamespace GetNamespace(ReadOnlySpan<byte> uri)
    {
        if (uri.IsEmpty) return XNamespace.None;
        ref NamespaceEntry predicted = ref namespacesByPosition[namespacePosition++ & (PositionSlots - 1)];
        if (uri.SequenceEqual(predicted.Uri)) return predicted.Namespace!;
        ref NamespaceEntry entry = ref LookupNamespace(uri);
        predicted = entry;
        return entry.Namespace!;
    }

    private ref NamespaceEntry LookupNamespace(ReadOnlySpan<byte> uri)
    {
        uint hash = ByteHash.Of(uri);
        ref NamespaceEntry entry = ref namespaces[hash & (NamespaceSlots - 1)];
        if (uri.SequenceEqual(entry.Uri)) return ref entry;

        entry = new NamespaceEntry { Uri = uri.ToArray(), Namespace = XNamespace.Get(Utf8Text.Decode(uri)) };
        return ref entry;
    }

    /// <summary>The namespace whose URI is the already decoded <paramref name="uri"/>.</summary>
    public static XNamespace GetNamespace(string uri) => uri.Length == 0 ? XNamespace.None : XNamespace.Get(uri);
}
