using System.Text;
using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Xml;

/// <summary>Random stanzas for property tests: awkward text, namespaces, mixed content, nesting.</summary>
internal sealed class StanzaGenerator(int seed)
{
    private static readonly string[] StanzaNames = ["message", "presence", "iq"];
    private static readonly string[] ChildNames = ["body", "thread", "subject", "item", "status", "x"];
    private static readonly string[] PayloadNamespaces = ["jabber:iq:version", "urn:xmpp:ping", "http://jabber.org/protocol/disco#info", "urn:x:\u00e9t\u00e9", "urn:xmpp:forward:0"];
    private static readonly string[] Fragments = ["a", "hello", " ", "&", "<", ">", "\"", "'", "]]>", "\t", "\n", "\r\n", "\r", "\u00e9", "\u20ac", "\U0001F600", "\u4e2d\u6587", "x y", "&amp;", "<![CDATA[", "--"];

    private readonly Random random = new(seed);

    public XElement Stanza()
    {
        var stanza = new XElement(StanzaNames[random.Next(StanzaNames.Length)]);
        AddAttributes(stanza, ["to", "from", "id", "type"]);
        if (random.Next(3) == 0) stanza.SetAttributeValue(XNamespace.Xml + "lang", "en");
        AddContent(stanza, XNamespace.None, depth: 1);
        return stanza;
    }

    public string Text(int maxFragments = 6)
    {
        var text = new StringBuilder();
        int n = random.Next(1, maxFragments + 1);
        for (int i = 0; i < n; i++) text.Append(Fragments[random.Next(Fragments.Length)]);
        return text.ToString();
    }

    private void AddAttributes(XElement element, string[] names)
    {
        foreach (string name in names)
        {
            if (random.Next(2) == 0) element.SetAttributeValue(name, random.Next(3) == 0 ? "" : Text(3));
        }
        if (random.Next(6) == 0) element.SetAttributeValue(XNamespace.Get("urn:attr") + "a", Text(2));
    }

    private void AddContent(XElement parent, XNamespace ns, int depth)
    {
        int children = depth > 4 ? 0 : random.Next(0, 4);
        if (children == 0)
        {
            if (random.Next(3) > 0) parent.Add(Text());
            return;
        }
        for (int i = 0; i < children; i++)
        {
            if (random.Next(4) == 0) parent.Add(Text(2));
            XNamespace childNs = random.Next(3) switch
            {
                0 => XNamespace.Get(PayloadNamespaces[random.Next(PayloadNamespaces.Length)]),
                1 => XNamespace.None,
                _ => ns,
            };
            var child = new XElement(childNs + ChildNames[random.Next(ChildNames.Length)]);
            AddAttributes(child, ["a", "b"]);
            AddContent(child, childNs, depth + 1);
            parent.Add(child);
        }
    }

    /// <summary>A copy of <paramref name="bytes"/> with a few random edits.</summary>
    public byte[] Mutate(byte[] bytes)
    {
        var list = new List<byte>(bytes);
        byte[] interesting = "<>/&;'\"=!?#x: \r\n]-["u8.ToArray();
        int edits = random.Next(1, 4);
        for (int e = 0; e < edits && list.Count > 1; e++)
        {
            int at = random.Next(list.Count);
            switch (random.Next(7))
            {
                case 5:
                case 6:
                    Unescape(list);
                    break;
                case 0: list.RemoveAt(at); break;
                case 1: list.Insert(at, interesting[random.Next(interesting.Length)]); break;
                case 2: list[at] = interesting[random.Next(interesting.Length)]; break;
                case 3: list[at] = (byte)random.Next(256); break;
                default:
                    int length = Math.Min(random.Next(1, 8), list.Count - at);
                    list.InsertRange(random.Next(list.Count), list.GetRange(at, length));
                    break;
            }
        }
        return [.. list];
    }

    /// <summary>Replaces one escaped character (<c>&amp;gt;</c>, <c>&amp;#xD;</c>...) by the raw character.</summary>
    private void Unescape(List<byte> list)
    {
        var ampersands = new List<int>();
        for (int i = 0; i < list.Count; i++) if (list[i] == (byte)'&') ampersands.Add(i);
        if (ampersands.Count == 0) return;
        int at = ampersands[random.Next(ampersands.Count)];
        int end = list.IndexOf((byte)';', at);
        if (end < 0 || end - at > 8) return;
        string reference = Encoding.ASCII.GetString([.. list.GetRange(at, end - at + 1)]);
        string? raw = reference switch
        {
            "&amp;" => "&", "&lt;" => "<", "&gt;" => ">", "&quot;" => "\"", "&apos;" => "'",
            "&#xD;" => "\r", "&#xA;" => "\n", "&#x9;" => "\t", _ => null,
        };
        if (raw is null) return;
        list.RemoveRange(at, end - at + 1);
        list.InsertRange(at, Encoding.ASCII.GetBytes(raw));
    }
}
