using System.Text;
using System.Xml;
using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Xml;

/// <summary>
/// The framer and codec must be at least as strict as <see cref="XmlReader"/>: the same generated and mutated
/// inputs get the same accept/reject decision and, when accepted, the same elements. XmlReader is given the XMPP
/// rules it does not know (RFC 6120 §11.1: no comments or processing instructions; no character data between
/// stanzas).
/// </summary>
public class DifferentialTests
{
    private const string Header = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='d1'>";
    private const string Footer = "</stream:stream>";

    [Test]
    public void GeneratedAndMutatedInputsGetTheSameDecision([Values(11, 12, 13, 14, 15)] int seed)
    {
        var generator = new StanzaGenerator(seed);
        int accepted = 0, rejected = 0;
        for (int i = 0; i < 2000; i++)
        {
            byte[] stanza = Encoding.UTF8.GetBytes(XmlStanzaCodecTests.Encode(generator.Stanza()));
            if (i % 4 != 0) stanza = generator.Mutate(stanza);
            byte[] input = [.. Encoding.UTF8.GetBytes(Header), .. stanza, .. Encoding.UTF8.GetBytes(Footer)];

            List<XElement>? ours = Ours(input);
            List<XElement>? reference = Reference(input);
            string shown = Encoding.UTF8.GetString(stanza);
            Assert.That(ours is null, Is.EqualTo(reference is null),
                $"#{i} ours {(ours is null ? "rejected" : "accepted")}, XmlReader {(reference is null ? "rejected" : "accepted")}: {shown}");
            if (ours is null || reference is null)
            {
                rejected++;
                continue;
            }
            accepted++;
            Assert.That(ours, Has.Count.EqualTo(reference.Count), $"#{i}: {shown}");
            for (int k = 0; k < ours.Count; k++)
            {
                Assert.That(XNode.DeepEquals(ours[k], reference[k]), Is.True, $"#{i}: {shown}\nours: {ours[k]}\nXmlReader: {reference[k]}");
            }
        }
        TestContext.Out.WriteLine($"{accepted} accepted, {rejected} rejected by both");
        Assert.That(accepted, Is.GreaterThan(400), "the inputs exercise acceptance");
        Assert.That(rejected, Is.GreaterThan(400), "the inputs exercise rejection");
    }

    /// <summary>
    /// Many stanzas on one stream, of one shape but with names, namespaces and values that change from stanza to
    /// stanza at the same positions (the parser's caches first try what the stanza before had there): each
    /// element must still be what XmlReader reads.
    /// </summary>
    [Test]
    public void StanzasOfOneShapeWithChangingNamesAndValuesDecodeAsXmlReaderDoes([Values(21, 22, 23)] int seed)
    {
        var random = new Random(seed);
        string Pick(params string[] choices) => choices[random.Next(choices.Length)];
        var stream = new StringBuilder(Header);
        for (int i = 0; i < 500; i++)
        {
            string root = Pick("message", "message", "presence");
            string child = Pick("body", "body", "subject");
            string ns = Pick("urn:a", "urn:b", "urn:&#x61;");
            string[] attributes =
            [
                $" {Pick("from", "to")}='{Pick("a@x/r", "a@x/s", "a@x/&#x72;", "m1", "b@x")}'",
                $" type='{Pick("chat", "chat", "normal", "ch&#x61;t")}'",
                $" id='{Pick("m1", "m2", "a@x/r")}'",
                Pick("", " xml:lang='en'", " lang='en'"),
            ];
            if (random.Next(4) == 0) random.Shuffle(attributes);
            stream.Append($"<{root}").AppendJoin("", attributes)
                .Append($"><{child}>{Pick("hi", "hi", "h&amp;i", "caf\u00e9")}</{child}>")
                .Append(Pick($"<active xmlns='{ns}'/>", $"<p:active xmlns:p='{ns}'/>", $"<active xmlns:p='{ns}' p:x='1'/>"))
                .Append($"</{root}>");
        }
        stream.Append(Footer);
        byte[] input = Encoding.UTF8.GetBytes(stream.ToString());

        List<XElement>? ours = Ours(input);
        List<XElement>? reference = Reference(input);
        Assert.That(ours, Is.Not.Null, "the stream is well-formed");
        Assert.That(reference, Is.Not.Null);
        Assert.That(ours, Has.Count.EqualTo(500));
        Assert.That(reference, Has.Count.EqualTo(500));
        for (int k = 0; k < ours!.Count; k++)
        {
            Assert.That(XNode.DeepEquals(ours[k], reference![k]), Is.True, $"#{k}\nours: {ours[k]}\nXmlReader: {reference[k]}");
        }
    }

    private static List<XElement>? Ours(byte[] input)
    {
        using var p = new XmlPipeline().Feed(input);
        if (p.Error is not null) return null;
        if (!p.Output.Contains("FOOTER")) return null; // never completed
        return p.Stanzas.ToList();
    }

    private static List<XElement>? Reference(byte[] input)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, CheckCharacters = true, IgnoreWhitespace = false };
        var elements = new List<XElement>();
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(input), settings);
            reader.MoveToContent();
            if (reader.IsEmptyElement) return null;
            reader.Read();
            while (!reader.EOF)
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element:
                        using (XmlReader subtree = reader.ReadSubtree())
                        {
                            elements.Add(XElement.Load(subtree, LoadOptions.PreserveWhitespace));
                        }
                        reader.Read();
                        break;
                    case XmlNodeType.Whitespace:
                        reader.Read();
                        break;
                    case XmlNodeType.EndElement:
                        reader.Read();
                        if (!reader.EOF) reader.MoveToContent();
                        return elements.Select(ToStanzaForm).ToList();
                    default:
                        return null; // text, CDATA, comments or PIs between stanzas
                }
            }
            return null;
        }
        catch (XmlException)
        {
            return null;
        }
        finally
        {
            if (elements.Any(e => e.DescendantNodesAndSelf().Any(n => n is XComment or XProcessingInstruction))) elements = null!;
        }
    }

    /// <summary>XmlReader's tree in the codec's form: no namespace declarations, stanza namespace removed, CDATA as text.</summary>
    private static XElement ToStanzaForm(XElement element)
    {
        XNamespace client = Namespaces.Client;
        foreach (XElement e in element.DescendantsAndSelf().ToList())
        {
            e.Attributes().Where(a => a.IsNamespaceDeclaration).Remove();
            if (e.Name.Namespace == client) e.Name = XNamespace.None + e.Name.LocalName;
            foreach (XCData cdata in e.Nodes().OfType<XCData>().ToList()) cdata.ReplaceWith(new XText(cdata.Value));
        }
        // Adjacent text nodes (from CDATA) become one, as the codec produces them.
        foreach (XElement e in element.DescendantsAndSelf().ToList())
        {
            if (e.Nodes().OfType<XText>().Count() < 2) continue;
            var merged = new List<object>();
            foreach (XNode node in e.Nodes().ToList())
            {
                if (node is XText text && merged.Count > 0 && merged[^1] is string previous) merged[^1] = previous + text.Value;
                else merged.Add(node is XText t ? t.Value : node);
            }
            e.ReplaceNodes(merged);
        }
        return element;
    }
}
