using System.Text;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Xml;

public class StanzaFramerTests
{
    private const string Header = "<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' from='echo.localhost' id='abc'>";

    /// <summary>A stream that exercises every split hazard: multi-byte UTF-8, '&gt;' in attribute values,
    /// CDATA with markup, entities, nested elements, keepalives and the footer.</summary>
    internal const string Hazards =
        Header +
        "<message to='a@b' id='1' note=\"x > y &amp; 'q'\"><body>h\u00e9llo \u20ac \U0001F600 &lt;&#x1F600;&#233;</body></message>" +
        " \n\t " +
        "<iq type='get' id='2'><query xmlns='jabber:iq:version'/></iq>" +
        "<message><body><![CDATA[<not a tag> ]] ] >]]></body><x xmlns='urn:x'><y a='1'><z/></y></x></message>" +
        "\r\n" +
        "<presence/>" +
        "</stream:stream>";

    [Test]
    public void FramesHeaderStanzasKeepalivesAndFooter()
    {
        using var p = new XmlPipeline(withCodec: false).Feed(Header + "<a/> <b x='1'>t</b></stream:stream>");

        Assert.That(p.Error, Is.Null);
        Assert.That(p.Output, Is.EqualTo(new object[]
        {
            "HEADER <stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' from='echo.localhost' id='abc'>",
            "STANZA <a/>",
            "KEEPALIVE",
            "STANZA <b x='1'>t</b>",
            "FOOTER",
        }));
    }

    [Test]
    public void EverySplitPointGivesTheSameFrames()
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Hazards);
        List<object> expected = FramesOf(bytes, [bytes.Length]);
        Assert.That(expected, Has.Count.EqualTo(8), string.Join("\n", expected));

        for (int split = 1; split < bytes.Length; split++)
        {
            Assert.That(FramesOf(bytes, [split]), Is.EqualTo(expected), $"split at byte {split}");
        }
    }

    [Test]
    public void RandomChunkingsGiveTheSameFrames()
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Hazards);
        List<object> expected = FramesOf(bytes, [bytes.Length]);
        var random = new Random(1234);
        for (int round = 0; round < 500; round++)
        {
            var sizes = new List<int>();
            for (int total = 0; total < bytes.Length;)
            {
                int size = random.Next(1, round % 3 == 0 ? 4 : 64);
                sizes.Add(size);
                total += size;
            }
            Assert.That(FramesOf(bytes, sizes), Is.EqualTo(expected), $"round {round}: {string.Join(",", sizes)}");
        }
    }

    [Test]
    public void OneByteAtATimeGivesTheSameFrames()
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Hazards);
        Assert.That(FramesOf(bytes, Enumerable.Repeat(1, bytes.Length)), Is.EqualTo(FramesOf(bytes, [bytes.Length])));
    }

    [Test]
    public void AStanzaIsEmittedTheMomentItsLastByteArrives()
    {
        using var p = new XmlPipeline(withCodec: false).Feed(Header + "<a>text</a");
        Assert.That(p.Output, Has.Count.EqualTo(1));
        p.Feed(">");
        Assert.That(p.Output, Has.Count.EqualTo(2));
        Assert.That(p.Output[1], Is.EqualTo("STANZA <a>text</a>"));
    }

    [Test]
    public void WhitespaceBeforeTheHeaderAndAByteOrderMarkAreSkipped()
    {
        using var p = new XmlPipeline(withCodec: false);
        p.Feed([0xEF, 0xBB, 0xBF]);
        p.Feed("<?xml version='1.0' encoding='UTF-8'?>\n<stream:stream xmlns:stream='http://etherx.jabber.org/streams'><a/>");
        Assert.That(p.Error, Is.Null);
        Assert.That(p.Output, Has.Count.EqualTo(2));
    }

    [TestCase(64)]
    [TestCase(1000)]
    public void AStanzaOverTheSizeLimitIsRejectedBeforeItEnds(int chunk)
    {
        var limits = new XmlLimits { MaxStanzaBytes = 4096 };
        using var p = new XmlPipeline(limits, withCodec: false).Feed(Header + "<ok/>");
        byte[] huge = Encoding.UTF8.GetBytes("<message><body>" + new string('x', 100_000));
        for (int offset = 0; offset < huge.Length && p.Error is null; offset += chunk)
        {
            p.Feed(huge[offset..Math.Min(huge.Length, offset + chunk)]);
            Assert.That(p.Framer.BufferedBytes, Is.LessThanOrEqualTo(limits.MaxStanzaBytes + chunk), "memory stays bounded");
        }

        Assert.That(p.Error, Is.TypeOf<StanzaTooLargeException>());
        var error = (StanzaTooLargeException)p.Error!;
        Assert.That(error.Condition, Is.EqualTo(StreamErrorCondition.PolicyViolation));
        Assert.That(error.Limit, Is.EqualTo(4096));
        Assert.That(p.Output, Has.Count.EqualTo(2), "the stanza before the error was delivered once");
    }

    [Test]
    public void AStanzaExactlyAtTheSizeLimitIsAccepted()
    {
        var limits = new XmlLimits { MaxStanzaBytes = 100 };
        string stanza = "<a>" + new string('x', 100 - 7) + "</a>";
        Assert.That(Encoding.UTF8.GetByteCount(stanza), Is.EqualTo(100));
        using var p = new XmlPipeline(limits, withCodec: false).Feed("<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>" + stanza);
        Assert.That(p.Error, Is.Null);
        Assert.That(p.Output[1], Is.EqualTo("STANZA " + stanza));

        using var q = new XmlPipeline(limits, withCodec: false).Feed("<stream:stream xmlns:stream='http://etherx.jabber.org/streams'><a>" + new string('x', 100 - 6) + "</a>");
        Assert.That(q.Error, Is.TypeOf<StanzaTooLargeException>());
    }

    [Test]
    public void AnOversizedHeaderIsRejected()
    {
        using var p = new XmlPipeline(new XmlLimits { MaxStanzaBytes = 256 }, withCodec: false)
            .Feed("<stream:stream a='" + new string('x', 1000));
        Assert.That(p.Error, Is.TypeOf<StanzaTooLargeException>());
    }

    [Test]
    public void NestingBeyondTheDepthLimitIsRejected()
    {
        var limits = new XmlLimits { MaxDepth = 8 };
        using var ok = new XmlPipeline(limits, withCodec: false).Feed(Header + Nest(8));
        Assert.That(ok.Error, Is.Null);

        using var p = new XmlPipeline(limits, withCodec: false).Feed(Header);
        foreach (char c in Nest(10_000)) p.Feed(c.ToString());
        Assert.That(p.Error, Is.TypeOf<NestingTooDeepException>());
        Assert.That(((StreamViolationException)p.Error!).Condition, Is.EqualTo(StreamErrorCondition.PolicyViolation));
    }

    private static string Nest(int depth) =>
        string.Concat(Enumerable.Repeat("<e>", depth)) + string.Concat(Enumerable.Repeat("</e>", depth));

    [TestCase("<!DOCTYPE stream [<!ENTITY x 'y'>]><stream:stream>", TestName = "DOCTYPE before the header")]
    [TestCase(Header + "<!DOCTYPE x>", TestName = "DOCTYPE between stanzas")]
    [TestCase(Header + "<a><!ENTITY x 'y'></a>", TestName = "ENTITY declaration in a stanza")]
    [TestCase("<!-- hello --><stream:stream>", TestName = "comment before the header")]
    [TestCase(Header + "<!-- hello -->", TestName = "comment between stanzas")]
    [TestCase(Header + "<a><!-- hello --></a>", TestName = "comment in a stanza")]
    [TestCase(Header + "<?php echo 1 ?>", TestName = "PI between stanzas")]
    [TestCase(Header + "<a><?pi x?></a>", TestName = "PI in a stanza")]
    [TestCase(" <?xml version='1.0'?><stream:stream>", TestName = "XML declaration not first")]
    [TestCase(Header + "<a>&lol;</a>", TestName = "undefined entity in text")]
    [TestCase(Header + "<a b='&nbsp;'/>", TestName = "undefined entity in an attribute")]
    public void RestrictedXmlIsRejected(string input)
    {
        AssertRejected(input, StreamErrorCondition.RestrictedXml, typeof(RestrictedXmlException));
    }

    [TestCase(Header + "hello", TestName = "text between stanzas")]
    [TestCase(Header + "<a b='<'/>", TestName = "'<' in an attribute value")]
    [TestCase(Header + "<a>&#0;</a>", TestName = "character reference to NUL")]
    [TestCase(Header + "<a>&#xD800;</a>", TestName = "character reference to a surrogate")]
    [TestCase(Header + "<a>& b</a>", TestName = "bare ampersand")]
    [TestCase(Header + "<a>&#12a;</a>", TestName = "malformed decimal reference")]
    [TestCase(Header + "<a>\u0001</a>", TestName = "C0 control character")]
    [TestCase(Header + "<a>\uFFFE</a>", TestName = "U+FFFE")]
    [TestCase(Header + "<a>\uFFFF</a>", TestName = "U+FFFF")]
    [TestCase(Header + "<![CDATA[x]]>", TestName = "CDATA between stanzas")]
    [TestCase(Header + "<a>x]]>y</a>", TestName = "']]>' in text")]
    [TestCase(Header + "<a><![CDATA[x]]>]]></a>", TestName = "']]>' in text right after CDATA")]
    [TestCase(Header + "<1a/>", TestName = "name starting with a digit")]
    [TestCase(Header + "</other:stream>", TestName = "footer does not match the header")]
    [TestCase("<stream:stream xmlns:stream='http://etherx.jabber.org/streams'/>", TestName = "empty stream element")]
    [TestCase("hello<stream:stream>", TestName = "text before the header")]
    [TestCase(Header + "<message><body></message>", TestName = "mismatched end tag, refused before the frame ends")]
    [TestCase(Header + "<a><ab></a></ab>", TestName = "end tag that is a prefix of the open name")]
    [TestCase(Header + "<ab><a></ab></a>", TestName = "end tag longer than the open name")]
    [TestCase(Header + "<a></a x>", TestName = "junk in an end tag")]
    public void MalformedXmlIsRejected(string input)
    {
        AssertRejected(input, StreamErrorCondition.NotWellFormed, typeof(MalformedXmlException));
    }

    [TestCase(new byte[] { 0xC0, 0xAF }, TestName = "overlong encoding")]
    [TestCase(new byte[] { 0xED, 0xA0, 0x80 }, TestName = "encoded surrogate")]
    [TestCase(new byte[] { 0xE2, 0x82 }, TestName = "truncated sequence")]
    [TestCase(new byte[] { 0xFF }, TestName = "invalid byte")]
    [TestCase(new byte[] { 0xF4, 0x90, 0x80, 0x80 }, TestName = "beyond U+10FFFF")]
    public void InvalidUtf8IsRejected(byte[] bad)
    {
        // Checked where the bytes are decoded, in the one pass that turns them into strings.
        foreach (string where in new[] { "<a>{0}</a>", "<a b='{0}'/>", "<a><![CDATA[{0}]]></a>", "<a{0}/>", "<a xmlns='urn:{0}'/>" })
        {
            string[] parts = string.Format(where, "\0").Split('\0');
            byte[] input = [.. Encoding.UTF8.GetBytes(Header + parts[0]), .. bad, .. Encoding.UTF8.GetBytes(parts[1])];
            using var p = new XmlPipeline().Feed(input);
            Assert.That(p.Error, Is.TypeOf<MalformedXmlException>(), where);
        }
    }

    [Test]
    public void AForeignEncodingIsRejected()
    {
        AssertRejected("<?xml version='1.0' encoding='ISO-8859-1'?><stream:stream>", StreamErrorCondition.UnsupportedEncoding, typeof(StreamViolationException));
    }

    [Test]
    public void StanzasBeforeAnErrorAreDeliveredExactlyOnceAndNothingAfterIt()
    {
        using var p = new XmlPipeline(withCodec: false).Feed(Header + "<a/><b/><!-- x --><c/>");
        Assert.That(p.Error, Is.TypeOf<RestrictedXmlException>());
        Assert.That(p.Output.Skip(1), Is.EqualTo(new[] { "STANZA <a/>", "STANZA <b/>" }));

        p.Feed("<d/>");
        Assert.That(p.Output, Has.Count.EqualTo(3), "input after the error is discarded");
    }

    [Test]
    public void InputAfterTheFooterIsDiscarded()
    {
        using var p = new XmlPipeline(withCodec: false).Feed(Header + "<a/></stream:stream><b/>");
        Assert.That(p.Error, Is.Null);
        Assert.That(p.Output.Last(), Is.EqualTo("FOOTER"));
        Assert.That(p.Framer.StreamClosed, Is.True);
    }

    [Test]
    public void RestartStartsANewStreamOnTheBytesThatFollow()
    {
        using var p = new XmlPipeline(withCodec: false).Feed(Header + "<success/>");
        p.Framer.RestartStream();
        p.Feed("<?xml version='1.0'?>" + Header[21..] + "<a/>");
        Assert.That(p.Error, Is.Null);
        Assert.That(p.Output, Has.Count.EqualTo(4));
        Assert.That(p.Output[2], Does.StartWith("HEADER <stream:stream"));
    }

    [Test]
    public void RestartCanRedirectBufferedBytesThroughTheHeadOfThePipeline()
    {
        // <proceed/> and the bytes behind it arrive in one read; the bytes must not be framed as plaintext.
        using var p = new XmlPipeline(withCodec: false);
        var restarter = new RestartOnElement(p.Framer, "<proceed/>");
        p.Channel.Pipeline.AddLast(restarter);
        var head = new RecordingHandler { PassCount = 1 }; // then it stands in for the TLS handler
        p.Feed(Header);
        p.Channel.Pipeline.AddFirst(head);
        p.Feed("<proceed/>TLS-BYTES");
        p.Channel.RunPendingTasks();

        Assert.That(p.Error, Is.Null, "the bytes behind <proceed/> were not framed as plaintext");
        Assert.That(head.Seen, Is.EqualTo(new[] { "<proceed/>TLS-BYTES", "TLS-BYTES" }), "re-fired from the head");
        Assert.That(p.Output.Last(), Is.EqualTo("STANZA <proceed/>"));
    }

    [Test]
    public void ATagSplitAcrossAReferenceAndACDataEndIsHandled()
    {
        string input = Header + "<a t='&amp;&#x41;'>x]]y<![CDATA[]]]]><![CDATA[>]]></a>";
        byte[] bytes = Encoding.UTF8.GetBytes(input);
        for (int split = Header.Length; split < bytes.Length; split++)
        {
            using var p = new XmlPipeline(withCodec: false).Feed(bytes, [split]);
            Assert.That(p.Error, Is.Null, $"split {split}");
            Assert.That(p.Output, Has.Count.EqualTo(2), $"split {split}");
        }
    }

    internal static List<object> FramesOf(byte[] bytes, IEnumerable<int> chunks)
    {
        using var p = new XmlPipeline(withCodec: false).Feed(bytes, chunks);
        Assert.That(p.Error, Is.Null);
        var frames = new List<object>();
        foreach (object frame in p.Output)
        {
            // Whitespace split across reads may come out as several keepalives; they carry no content.
            if (frame is "KEEPALIVE" && frames.Count > 0 && frames[^1] is "KEEPALIVE") continue;
            frames.Add(frame);
        }
        return frames;
    }

    private static void AssertRejected(string input, StreamErrorCondition condition, Type type)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(input);
        using var whole = new XmlPipeline(withCodec: false).Feed(bytes);
        Assert.That(whole.Error, Is.InstanceOf(type), $"whole input: {whole.Error}");
        Assert.That(((StreamViolationException)whole.Error!).Condition, Is.EqualTo(condition));

        using var bytewise = new XmlPipeline(withCodec: false).Feed(bytes, Enumerable.Repeat(1, bytes.Length));
        Assert.That(bytewise.Error, Is.InstanceOf(type), $"byte by byte: {bytewise.Error}");
    }

    [Test]
    public void WhileAutoReadIsOffFramesAreHeldUntilResumeFraming()
    {
        using var p = new XmlPipeline(withCodec: false).Feed(Header);
        p.Channel.Configuration.AutoRead = false;
        p.Feed("<a/><b/><c/>");
        Assert.That(p.Output, Has.Count.EqualTo(1), "only the header went through before reading was turned off");
        Assert.That(p.Framer.BufferedBytes, Is.EqualTo(12), "the rest is held as bytes");

        p.Channel.Configuration.AutoRead = true;
        p.Channel.Pipeline.FireUserEventTriggered(ResumeFraming.Instance);
        p.Drain();
        Assert.That(p.Output.Skip(1), Is.EqualTo(new object[] { "STANZA <a/>", "STANZA <b/>", "STANZA <c/>" }));
        Assert.That(p.Framer.BufferedBytes, Is.Zero);
    }

    [Test]
    public void ClosingHandsOnWhatWasHeld()
    {
        using var p = new XmlPipeline(withCodec: false).Feed(Header);
        p.Channel.Configuration.AutoRead = false;
        p.Feed("<a/><b/>");
        p.Channel.Finish();
        p.Drain();
        Assert.That(p.Output.Skip(1), Is.EqualTo(new object[] { "STANZA <a/>", "STANZA <b/>" }));
    }
}
