using System.Text;
using System.Xml.Linq;
using System.Xml.XPath;
using ComponentSdk.Xml;
using DotNetty.Buffers;
using DotNetty.Transport.Channels.Embedded;

namespace ComponentSdk.Tests.Xml;

public class XmlStanzaCodecTests
{
    private const string AcceptHeader = "<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' from='echo.localhost' id='s1'>";

    private static XElement Decode(string stanza, string header = AcceptHeader)
    {
        using var p = new XmlPipeline().Feed(header + stanza);
        Assert.That(p.Error, Is.Null, p.Error?.ToString());
        return p.Stanzas.Single();
    }

    private static Exception? DecodeError(string stanza)
    {
        using var p = new XmlPipeline().Feed(AcceptHeader + stanza);
        return p.Error;
    }

    [Test]
    public void ProsodyHeaderIsParsed()
    {
        using var p = new XmlPipeline().Feed("<?xml version='1.0'?><stream:stream xmlns='jabber:client' version='1.0' xml:lang='en' xmlns:stream='http://etherx.jabber.org/streams' id='54cb6796-8e8a' from='localhost'>");
        var header = (StreamHeader)p.Output.Single();
        Assert.Multiple(() =>
        {
            Assert.That(header.Id, Is.EqualTo("54cb6796-8e8a"));
            Assert.That(header.From, Is.EqualTo("localhost"));
            Assert.That(header.To, Is.Null);
            Assert.That(header.Version, Is.EqualTo("1.0"));
            Assert.That(header.IsXmpp1, Is.True);
            Assert.That(header.Language, Is.EqualTo("en"));
            Assert.That(header.DefaultNamespace, Is.EqualTo(Namespaces.Client));
            Assert.That(header.StreamNamespace, Is.EqualTo(Namespaces.Streams));
            Assert.That(header.Prefixes["stream"], Is.EqualTo(Namespaces.Streams));
        });
    }

    [Test]
    public void AVersionlessHeaderIsNotXmpp1()
    {
        using var p = new XmlPipeline().Feed(AcceptHeader);
        var header = (StreamHeader)p.Output.Single();
        Assert.That(header.Version, Is.Null);
        Assert.That(header.IsXmpp1, Is.False);
        Assert.That(header.DefaultNamespace, Is.EqualTo(Namespaces.ComponentAccept));
    }

    [TestCase("<stream:stream xmlns:stream='urn:wrong'>")]
    [TestCase("<stream:streams xmlns:stream='http://etherx.jabber.org/streams'>")]
    public void AHeaderInTheWrongNamespaceIsInvalidNamespace(string header)
    {
        using var p = new XmlPipeline().Feed(header);
        Assert.That(p.Error, Is.TypeOf<StreamViolationException>());
        Assert.That(((StreamViolationException)p.Error!).Condition, Is.EqualTo(StreamErrorCondition.InvalidNamespace));
    }

    [Test]
    public void AHeaderWithAnUndeclaredPrefixIsMalformed()
    {
        using var p = new XmlPipeline().Feed("<stream:stream xmlns='jabber:client'>");
        Assert.That(p.Error, Is.TypeOf<MalformedXmlException>());
    }

    [Test]
    public void NothingIsHandedOnAfterAFrameFailedToDecode()
    {
        using var p = new XmlPipeline().Feed("<stream:stream xmlns='jabber:client'><message><body>after</body></message></stream:stream>");
        Assert.That(p.Error, Is.TypeOf<MalformedXmlException>());
        Assert.That(p.Output, Is.Empty, "the stanza and footer behind a bad header are discarded");
    }

    [Test]
    public void ContentNamespacesAreRemovedAndPayloadNamespacesKept()
    {
        XElement iq = Decode("<iq type='get' id='v1' from='alice@localhost/r'><query xmlns='jabber:iq:version'><name>x</name></query></iq>");
        Assert.That(iq.Name, Is.EqualTo(XName.Get("iq")));
        XElement query = iq.Elements().Single();
        Assert.That(query.Name, Is.EqualTo(XName.Get("query", "jabber:iq:version")));
        Assert.That(query.Elements().Single().Name, Is.EqualTo(XName.Get("name", "jabber:iq:version")));
        Assert.That(iq.Attributes().Any(a => a.IsNamespaceDeclaration), Is.False);
        Assert.That(query.Attributes().Any(a => a.IsNamespaceDeclaration), Is.False);
    }

    [TestCase("jabber:client")]
    [TestCase("jabber:component:accept")]
    [TestCase("jabber:server")]
    public void StanzasInAnyStanzaNamespaceComeOutUnqualified(string ns)
    {
        XElement message = Decode($"<message xmlns='{ns}' type='chat'><body>hi</body></message>");
        Assert.That(message.Name, Is.EqualTo(XName.Get("message")));
        Assert.That(message.Element("body")?.Value, Is.EqualTo("hi"));
    }

    [Test]
    public void UnprefixedXPathWorksOnADecodedStanza()
    {
        XElement message = Decode("<message type='chat' to='x@echo.localhost'><body>hello</body></message>");
        var document = new XDocument(message);
        Assert.That(document.XPathSelectElements("/message[@type='chat']/body").Single().Value, Is.EqualTo("hello"));
        Assert.That(message.XPathSelectElements("self::message/body").Count(), Is.EqualTo(1));
    }

    [Test]
    public void StreamPrefixedElementsAreRecognisable()
    {
        XElement features = Decode("<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>");
        Assert.That(features.Name, Is.EqualTo(XName.Get("features", Namespaces.Streams)));

        XElement error = Decode("<stream:error><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>Given token does not match</text></stream:error>");
        Assert.That(error.Name, Is.EqualTo(XName.Get("error", Namespaces.Streams)));
        Assert.That(error.Element(XName.Get("not-authorized", Namespaces.StreamErrors)), Is.Not.Null);
    }

    [Test]
    public void PrefixesDeclaredInsideAStanzaAreResolved()
    {
        XElement route = Decode("<route xmlns='http://jabberd.jabberstudio.org/ns/component/1.0' type='log'><message xmlns='jabber:client' xmlns:sc='http://jabberd.jabberstudio.org/ns/session/1.0' sc:c2s='8'><body>b</body></message></route>");
        XElement message = route.Elements().Single();
        Assert.That(route.Name.NamespaceName, Is.EqualTo("http://jabberd.jabberstudio.org/ns/component/1.0"));
        Assert.That(message.Name, Is.EqualTo(XName.Get("message")));
        Assert.That(message.Attribute(XName.Get("c2s", "http://jabberd.jabberstudio.org/ns/session/1.0"))?.Value, Is.EqualTo("8"));
    }

    [Test]
    public void TheHeadersDefaultNamespaceIsAContentNamespace()
    {
        const string jabberd2 = "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='http://jabberd.jabberstudio.org/ns/component/1.0' from='localhost' version='1.0' id='x'>";
        XElement route = Decode("<route to='comp.localhost' from='localhost'><message xmlns='jabber:client' to='a@comp.localhost'><body>hi</body></message></route>", jabberd2);
        Assert.That(route.Name, Is.EqualTo(XName.Get("route")));
        Assert.That(route.Element("message")?.Element("body")?.Value, Is.EqualTo("hi"));
    }

    [Test]
    public void ReferencesCDataAndLineEndsAreDecodedAsXmlReaderDoes()
    {
        XElement message = Decode("<message a='x&amp;y&#x9;&#10;z&apos;&quot;' b='1\r\n2\t3'><body>&lt;&gt;&amp;&#233;&#x1F600;\r\nx\ry<![CDATA[<raw>&amp;\r\n]]></body></message>");
        Assert.That(message.Attribute("a")?.Value, Is.EqualTo("x&y\t\nz'\""));
        Assert.That(message.Attribute("b")?.Value, Is.EqualTo("1 2 3"));
        Assert.That(message.Element("body")?.Value, Is.EqualTo("<>&\u00e9\U0001F600\nx\ny<raw>&amp;\n"));
    }

    [Test]
    public void AnExplicitEndTagGivesAnEmptyStringAndASelfClosingTagNoContent()
    {
        XElement message = Decode("<message><body></body><x/></message>");
        Assert.That(message.Element("body")!.IsEmpty, Is.False);
        Assert.That(message.Element("x")!.IsEmpty, Is.True);
    }

    [TestCase("<a></b>", TestName = "mismatched end tag")]
    [TestCase("<a><b></a></b>", TestName = "crossed end tags")]
    [TestCase("<a x='1' x='2'/>", TestName = "duplicate attribute")]
    [TestCase("<a xmlns:p='urn:1' xmlns:q='urn:1' p:x='1' q:x='2'/>", TestName = "duplicate expanded attribute name")]
    [TestCase("<p:a/>", TestName = "undeclared element prefix")]
    [TestCase("<a p:x='1'/>", TestName = "undeclared attribute prefix")]
    [TestCase("<a x='1'y='2'/>", TestName = "no whitespace between attributes")]
    [TestCase("<a x=1/>", TestName = "unquoted attribute value")]
    [TestCase("<a x/>", TestName = "attribute without value")]
    [TestCase("<a>]]></a>", TestName = "']]>' in text")]
    [TestCase("<a xmlns:p=''/>", TestName = "prefix bound to the empty name")]
    [TestCase("<a xmlns:xml='urn:x'/>", TestName = "xml prefix rebound")]
    [TestCase("<xmlns:a/>", TestName = "xmlns prefix on an element")]
    [TestCase("<a:/>", TestName = "name ending with a colon")]
    [TestCase("<a:b:c xmlns:a='urn:a'/>", TestName = "two colons")]
    [TestCase("<a/ >", TestName = "space inside '/>'")]
    [TestCase("<a></a >x", TestName = "text after the stanza in the same frame")]
    public void MalformedStanzasAreRejected(string stanza)
    {
        Assert.That(DecodeError(stanza), Is.TypeOf<MalformedXmlException>());
    }

    [Test]
    public void EncodesWithoutDeclarationWithEscapingAndWithoutRedundantNamespaces()
    {
        var iq = new XElement("iq", new XAttribute("type", "result"), new XAttribute("id", "a'b\"c<&>"),
            new XElement(XName.Get("query", "jabber:iq:version"),
                new XElement(XName.Get("name", "jabber:iq:version"), "x & y < z > w \"q\" 'a'"),
                new XElement(XName.Get("version", "jabber:iq:version"), "1.0")));

        Assert.That(Encode(iq), Is.EqualTo(
            "<iq type='result' id='a&apos;b&quot;c&lt;&amp;&gt;'><query xmlns='jabber:iq:version'><name>x &amp; y &lt; z &gt; w \"q\" 'a'</name><version>1.0</version></query></iq>"));
    }

    [Test]
    public void WhitespaceThatWouldBeNormalizedIsWrittenAsReferences()
    {
        var message = new XElement("message", new XAttribute("a", "1\t2\n3\r4"), new XElement("body", "x\r\ny"));
        Assert.That(Encode(message), Is.EqualTo("<message a='1&#x9;2&#xA;3&#xD;4'><body>x&#xD;\ny</body></message>"));
    }

    [Test]
    public void StreamElementsUseTheStreamPrefix()
    {
        var error = new XElement(XName.Get("error", Namespaces.Streams),
            new XElement(XName.Get("not-authorized", Namespaces.StreamErrors)),
            new XElement(XName.Get("text", Namespaces.StreamErrors), "bad"));
        Assert.That(Encode(error), Is.EqualTo(
            "<stream:error><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>bad</text></stream:error>"));
    }

    [Test]
    public void ForwardedStanzasInsideAPayloadAreJabberClient()
    {
        var message = new XElement("message",
            new XElement(XName.Get("forwarded", "urn:xmpp:forward:0"),
                new XElement("message", new XAttribute("to", "a@b"), new XElement("body", "hi"))));
        Assert.That(Encode(message), Is.EqualTo(
            "<message><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' to='a@b'><body>hi</body></message></forwarded></message>"));
    }

    [Test]
    public void Jabberd2RoutesCarryAJabberClientStanza()
    {
        var route = new XElement(XName.Get("route", Namespaces.Jabberd2Component), new XAttribute("to", "localhost"), new XAttribute("from", "comp.localhost"),
            new XElement("message", new XAttribute("to", "alice@localhost"), new XElement("body", "hi")));
        string header = "<stream:stream to='localhost' version='1.0' xmlns='http://jabberd.jabberstudio.org/ns/component/1.0' xmlns:stream='http://etherx.jabber.org/streams'>";
        Assert.That(Encode(route, new StreamHeader { To = "localhost", Version = "1.0", DefaultNamespace = Namespaces.Jabberd2Component }, Namespaces.Client, header), Is.EqualTo(
            "<route to='localhost' from='comp.localhost'><message xmlns='jabber:client' to='alice@localhost'><body>hi</body></message></route>"));
    }

    [Test]
    public void AttributesInOtherNamespacesGetAPrefix()
    {
        var presence = new XElement("presence", new XAttribute(XNamespace.Xml + "lang", "en"), new XAttribute(XName.Get("c2s", "urn:sess"), "8"));
        Assert.That(Encode(presence), Is.EqualTo("<presence xml:lang='en' xmlns:ns1='urn:sess' ns1:c2s='8'/>"));

        var declared = new XElement("presence", new XAttribute(XNamespace.Xmlns + "sc", "urn:sess"), new XAttribute(XName.Get("c2s", "urn:sess"), "8"));
        Assert.That(Encode(declared), Is.EqualTo("<presence xmlns:sc='urn:sess' sc:c2s='8'/>"));
    }

    [Test]
    public void HeaderAndFooterAreWrittenLikePcj()
    {
        var channel = new EmbeddedChannel(new XmlStanzaCodec());
        channel.WriteOutbound(new StreamHeader { To = "echo.localhost", Version = "0.9", DefaultNamespace = Namespaces.ComponentAccept });
        channel.WriteOutbound(StreamFooter.Instance, WhitespaceKeepAlive.Instance);
        Assert.That(ReadOutbound(channel), Is.EqualTo(
            "<stream:stream to='echo.localhost' version='0.9' xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams'>"));
        Assert.That(ReadOutbound(channel), Is.EqualTo("</stream:stream>"));
        Assert.That(ReadOutbound(channel), Is.EqualTo(" "));
    }

    [TestCase('\u0001')]
    [TestCase('\u001F')]
    [TestCase('\uFFFE')]
    [TestCase('\uD800')]
    [TestCase('\uDC00')]
    public void CharactersXmlDoesNotAllowFailTheWriteAndWriteNothing(char bad)
    {
        var channel = new EmbeddedChannel(new XmlStanzaCodec());
        channel.WriteOutbound(new StreamHeader { DefaultNamespace = Namespaces.ComponentAccept });
        ReadOutbound(channel);

        Task write = channel.WriteAndFlushAsync(new XElement("message", new XElement("body", "ok" + bad + "ok")));
        Assert.That(write.IsFaulted, Is.True);
        Assert.That(write.Exception!.InnerException, Is.TypeOf<InvalidXmlCharacterException>());
        Assert.That(channel.ReadOutbound<object>(), Is.Null, "nothing reached the wire");

        Task attribute = channel.WriteAndFlushAsync(new XElement("message", new XAttribute("id", bad.ToString())));
        Assert.That(attribute.Exception!.InnerException, Is.TypeOf<InvalidXmlCharacterException>());
    }

    [Test]
    public void APairedSurrogateIsWritten()
    {
        Assert.That(Encode(new XElement("body", "\U0001F600")), Is.EqualTo("<body>\U0001F600</body>"));
    }

    [Test]
    public void CommentsInATreeAreNotWritten()
    {
        Assert.That(Encode(new XElement("message", new XComment("secret"), new XElement("body", "x"))), Is.EqualTo("<message><body>x</body></message>"));
    }

    internal static string Encode(XElement stanza, StreamHeader? header = null, string? stanzaNamespace = null, string? expectedHeader = null)
    {
        var codec = new XmlStanzaCodec();
        var channel = new EmbeddedChannel(codec);
        channel.WriteOutbound(header ?? new StreamHeader { To = "echo.localhost", DefaultNamespace = Namespaces.ComponentAccept });
        string written = ReadOutbound(channel);
        if (expectedHeader is not null) Assert.That(written, Is.EqualTo(expectedHeader));
        if (stanzaNamespace is not null) codec.StanzaNamespace = stanzaNamespace;
        channel.WriteOutbound(stanza);
        return ReadOutbound(channel);
    }

    internal static string ReadOutbound(EmbeddedChannel channel)
    {
        var buffer = channel.ReadOutbound<IByteBuffer>();
        try
        {
            return buffer.ToString(Encoding.UTF8);
        }
        finally
        {
            buffer.Release();
        }
    }
}
