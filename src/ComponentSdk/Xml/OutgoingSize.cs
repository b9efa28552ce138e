using System.Xml.Linq;

namespace ComponentSdk.Xml;

/// <summary>
/// The size check of a stanza before it is accepted for sending. A cheap upper bound first (every character at most
/// six bytes, an escape such as <c>&amp;quot;</c>); only a stanza that could be over the limit is serialized to be
/// measured exactly.
/// </summary>
internal static class OutgoingSize
{
    [ThreadStatic]
    private static StanzaWriter? writer;

    /// <summary>Throws <see cref="StanzaTooLargeToSendException"/> when <paramref name="stanza"/> is larger than <paramref name="limit"/> bytes of UTF-8.</summary>
    public static void EnsureWithin(XElement stanza, int limit)
    {
        if (UpperBound(stanza) <= limit) return;
        StanzaWriter measure = writer ??= new StanzaWriter();
        measure.WriteStanza(stanza);
        int size = measure.Written.Length;
        measure.Clear();
        if (size > limit) throw new StanzaTooLargeToSendException(size, limit);
    }

    private static long UpperBound(XElement element)
    {
        // <name xmlns='ns'>...</name>
        long bytes = 2L * element.Name.LocalName.Length + 5 + 6L * element.Name.NamespaceName.Length + 10;
        for (XAttribute? attribute = element.FirstAttribute; attribute is not null; attribute = attribute.NextAttribute)
            bytes += attribute.Name.LocalName.Length + 6L * attribute.Name.NamespaceName.Length + 10 + 6L * attribute.Value.Length;
        for (XNode? node = element.FirstNode; node is not null; node = node.NextNode)
        {
            if (node is XElement child) bytes += UpperBound(child);
            else if (node is XText text) bytes += 6L * text.Value.Length + 12; // CDATA markers at most
        }
        return bytes;
    }
}
