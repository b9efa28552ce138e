using System.Runtime.CompilerServices;
using System.Xml.Linq;

namespace ComponentSdk.Xml;

/// <summary>
/// The process-wide bound on element and attribute names taken from peers. <see cref="XName"/> objects are atomized:
/// every distinct name is kept for as long as its namespace lives, and names in no namespace (where a stream's
/// content lands) or in a namespace anyone holds on to live as long as the process. A peer inventing names would grow
/// the process for good, so at most <see cref="Capacity"/> distinct names from peers live at a time; a stanza that
/// needs one more is refused with <c>policy-violation</c>. Names of a namespace that goes away stop counting.
/// </summary>
internal static class PeerNames
{
    /// <summary>The default bound: about 1.5 MiB of names, far more than real traffic uses.</summary>
    public const int DefaultCapacity = 10_000;

    private static readonly ConditionalWeakTable<XNamespace, Known> ByNamespace = [];
    private static int count;

    /// <summary>How many distinct names from peers may live at a time.</summary>
    public static int Capacity { get; set; } = DefaultCapacity;

    /// <summary>How many distinct names from peers live now.</summary>
    public static int Count => Volatile.Read(ref count);

    /// <summary>
    /// The core vocabulary of stanzas (RFC 6120, RFC 6121, and the attributes every extension uses): always accepted
    /// and never counted, so that a peer that used up the bound cannot keep ordinary stanzas out.
    /// </summary>
    private static readonly HashSet<string> Vocabulary = new(StringComparer.Ordinal)
    {
        "message", "presence", "iq", "body", "subject", "thread", "error", "show", "status", "priority", "text",
        "from", "to", "id", "type", "code", "by", "parent", "stamp", "x", "query", "item", "items", "feature",
        "identity", "category", "var", "node", "jid", "name", "nick", "role", "affiliation", "reason", "value",
        "field", "label", "option", "instructions", "title", "ver", "hash", "ask", "subscription", "group",
    };

    /// <summary>
    /// The name <paramref name="local"/> in <paramref name="ns"/>, counted the first time it is seen (then
    /// <paramref name="isNew"/> is true).
    /// </summary>
    /// <exception cref="StreamViolationException">A new name, and <see cref="Capacity"/> are alive already.</exception>
    /// <exception cref="MalformedXmlException">The name is not an XML name.</exception>
    public static XName Get(XNamespace ns, string local, out bool isNew)
    {
        isNew = false;
        if ((ns == XNamespace.None || ns == XNamespace.Xml) && Vocabulary.Contains(local)) return ns.GetName(local);
        Known known = ByNamespace.GetValue(ns, static _ => new Known());
        lock (known)
        {
            if (!known.Names.Contains(local))
            {
                if (Interlocked.Increment(ref count) > Capacity)
                {
                    Interlocked.Decrement(ref count);
                    throw new StreamViolationException(StreamErrorCondition.PolicyViolation,
                        $"The peer used more than {Capacity} distinct element and attribute names; a new one ('{local}') is refused to keep memory bounded.");
                }
                XName created;
                try
                {
                    created = ns.GetName(local); // checks the XML Name production
                }
                catch (System.Xml.XmlException)
                {
                    Interlocked.Decrement(ref count);
                    throw new MalformedXmlException($"'{local}' is not a valid XML name.");
                }
                known.Names.Add(local);
                isNew = true;
                return created;
            }
        }
        return ns.GetName(local);
    }

    /// <summary>Forgets every count, for tests that make up names by the thousand.</summary>
    internal static void Reset()
    {
        ByNamespace.Clear();
        Volatile.Write(ref count, 0);
    }

    /// <summary>The names counted in one namespace; they stop counting when the namespace is collected.</summary>
    private sealed class Known
    {
        public HashSet<string> Names { get; } = new(StringComparer.Ordinal);

        ~Known() => Interlocked.Add(ref count, -Names.Count);
    }
}
