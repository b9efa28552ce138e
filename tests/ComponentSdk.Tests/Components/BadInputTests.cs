using System.Diagnostics;
using System.Text;
using System.Xml.Linq;
using ComponentSdk.Tests.Support;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Components;

/// <summary>
/// What a server sends that breaks the rules ends the stream with the right RFC 6120 stream error, within a second,
/// with a typed error and status event; the process carries on and, with the hosted policy, the component comes back.
/// </summary>
[CancelAfter(30_000)]
public class BadInputTests : RouterFixture
{
    private const string BillionLaughs =
        "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>" +
        "<!ENTITY lol2 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>" +
        "<!ENTITY lol3 '&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'>" +
        "<!ENTITY lol4 '&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;'>" +
        "<!ENTITY lol5 '&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;'>" +
        "<!ENTITY lol6 '&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;'>" +
        "<!ENTITY lol7 '&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;'>" +
        "<!ENTITY lol8 '&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;'>" +
        "<!ENTITY lol9 '&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;'>]>" +
        "<message><body>&lol9;</body></message>";

    public static IEnumerable<TestCaseData> Hostile()
    {
        static TestCaseData Case(string name, byte[] bytes, StreamErrorCondition expected, Type error) =>
            new TestCaseData(bytes, expected, error).SetArgDisplayNames(name);
        static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

        yield return Case("comment", Utf8("<!-- comment -->"), StreamErrorCondition.RestrictedXml, typeof(RestrictedXmlException));
        yield return Case("processing instruction", Utf8("<?pi x?>"), StreamErrorCondition.RestrictedXml, typeof(RestrictedXmlException));
        yield return Case("undefined entity", Utf8("<message><body>&lol;</body></message>"), StreamErrorCondition.RestrictedXml, typeof(RestrictedXmlException));
        yield return Case("DOCTYPE", Utf8("<!DOCTYPE x [<!ENTITY a 'b'>]>"), StreamErrorCondition.RestrictedXml, typeof(RestrictedXmlException));
        yield return Case("billion laughs", Utf8(BillionLaughs), StreamErrorCondition.RestrictedXml, typeof(RestrictedXmlException));
        yield return Case("mismatched tags", Utf8("<message><body></message>"), StreamErrorCondition.NotWellFormed, typeof(MalformedXmlException));
        yield return Case("text between stanzas", Utf8("text between stanzas"), StreamErrorCondition.NotWellFormed, typeof(MalformedXmlException));
        yield return Case("invalid UTF-8", [.. Utf8("<message><body>"), 0xC3, 0x28, .. Utf8("</body></message>")],
            StreamErrorCondition.NotWellFormed, typeof(MalformedXmlException));
        yield return Case("overlong UTF-8", [.. Utf8("<message><body>"), 0xC0, 0xBC, .. Utf8("</body></message>")],
            StreamErrorCondition.NotWellFormed, typeof(MalformedXmlException));
        yield return Case("control character", Utf8("<message><body>\u0001</body></message>"), StreamErrorCondition.NotWellFormed, typeof(MalformedXmlException));
        yield return Case("10 MB stanza", Utf8("<message><body>" + new string('x', 10 * 1024 * 1024) + "</body></message>"),
            StreamErrorCondition.PolicyViolation, typeof(StanzaTooLargeException));
        yield return Case("nesting 10,000 deep", Utf8(string.Concat(Enumerable.Repeat("<a>", 10_000)) + string.Concat(Enumerable.Repeat("</a>", 10_000))),
            StreamErrorCondition.PolicyViolation, typeof(NestingTooDeepException));
    }

    private static void HostedPolicy(ConnectionOptions o)
    {
        o.Reconnect.Enabled = true;
        o.Reconnect.InitialDelay = TimeSpan.FromMilliseconds(100);
        o.Reconnect.MaxDelay = TimeSpan.FromMilliseconds(200);
    }

    [TestCaseSource(nameof(Hostile))]
    public async Task AnswersWithTheRightStreamErrorClosesWithinASecondAndComesBack(byte[] bytes, StreamErrorCondition expected, Type errorType)
    {
        await using TestComponent component = await ConnectedAsync(configure: HostedPolicy);
        var recorder = new StatusRecorder(component);

        var clock = Stopwatch.StartNew();
        // The write of a 10 MB stanza fails once the component closes: that is expected, the stream error is what counts.
        _ = Router.SendRawAsync("echo.localhost", bytes).ContinueWith(static t => t.Exception, TaskScheduler.Default);
        (string domain, _) = await Router.WaitForDisconnectAsync(TimeSpan.FromSeconds(5));
        TimeSpan closed = clock.Elapsed;

        Assert.That(domain, Is.EqualTo("echo.localhost"));
        Assert.That(closed, Is.LessThan(TimeSpan.FromSeconds(1)), "the stream is closed within a second");
        XElement error = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.That(error.IsStreamError(), Is.True, error.ToString());
        Assert.That(StreamError.Parse(error).Condition, Is.EqualTo(expected), "the stream error the component sent");
        ConnectionStatusEventArgs sent = await recorder.WaitForAsync(ConnectionStatus.StreamErrorSent);
        Assert.That(sent.Error, Is.InstanceOf(errorType));
        Assert.That(((StreamViolationException)sent.Error!).Condition, Is.EqualTo(expected));
        Assert.That((await recorder.WaitForAsync(ConnectionStatus.SocketFail)).Error, Is.SameAs(sent.Error), "the typed error is the reason of the loss");

        await Router.WaitForComponentAsync("echo.localhost", TimeSpan.FromSeconds(10));
        await TestComponent.Until(() => component.ReadyCount == 2, null, "ready again by itself");
        await Router.SendAsync(new XElement("message", new XAttribute("to", "a@echo.localhost"), new XElement("body", "after")));
        await component.WaitForMessagesAsync(1);
    }

    public static IEnumerable<StreamErrorCondition> EveryCondition() => Enum.GetValues<StreamErrorCondition>();

    [TestCaseSource(nameof(EveryCondition))]
    public async Task EveryStreamErrorFromTheServerIsTypedReportedAndClosedAndOnlyTransientOnesAreRetried(StreamErrorCondition condition)
    {
        await using TestComponent component = await ConnectedAsync(configure: HostedPolicy);
        var recorder = new StatusRecorder(component);

        var clock = Stopwatch.StartNew();
        string text = condition == StreamErrorCondition.SeeOtherHost ? $"{Router.Host}:{Router.Port}" : "told by the test";
        await Router.SendRawAsync("echo.localhost", Encoding.UTF8.GetBytes(
            $"<stream:error><{condition.ToElementName()} xmlns='urn:ietf:params:xml:ns:xmpp-streams'>{(condition == StreamErrorCondition.SeeOtherHost ? text : "")}</{condition.ToElementName()}>" +
            $"<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>{text}</text></stream:error>"));
        (_, bool clean) = await Router.WaitForDisconnectAsync(TimeSpan.FromSeconds(5));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)), "closed within a second");
        Assert.That(clean, Is.True, "the component ended its own stream before closing");

        ConnectionStatusEventArgs reported = await recorder.WaitForAsync(ConnectionStatus.StreamError);
        var error = (StreamErrorException)reported.Error!;
        Assert.That(error.Condition, Is.EqualTo(condition));
        Assert.That((await recorder.WaitForAsync(ConnectionStatus.SocketFail)).Error, Is.SameAs(error));

        if (ConnectionFailures.IsPermanent(error))
        {
            await Task.Delay(500);
            Assert.That(Router.ConnectedDomains, Is.Empty, $"{condition} is permanent: no retry");
            Assert.That(recorder.Statuses, Does.Not.Contain(ConnectionStatus.ReconnectScheduled));
            Assert.That((await recorder.WaitForAsync(ConnectionStatus.ReconnectFailed)).Error, Is.SameAs(error), "the typed error ends the policy");
        }
        else
        {
            await TestComponent.Until(() => component.ReadyCount == 2, null, $"{condition} is transient: ready again by itself");
        }
    }

    [Test]
    public async Task StanzasBeforeTheBadInputAreDeliveredAndNothingAfterIt()
    {
        await using TestComponent component = await ConnectedAsync();
        await Router.SendRawAsync("echo.localhost", Encoding.UTF8.GetBytes(
            "<message to='a@echo.localhost'><body>1</body></message><message to='a@echo.localhost'><body>2</body></message><!-- x --><message to='a@echo.localhost'><body>3</body></message>"));
        await component.WaitForMessagesAsync(2);
        await Task.Delay(200);
        Assert.That(component.Messages.Select(m => (string?)m.Element("body")), Is.EqualTo(new[] { "1", "2" }));
    }

    [Test]
    public async Task AClosingTagInTheMiddleOfABurstEndsTheStreamThereAndTheComponentComesBack()
    {
        await using TestComponent component = await ConnectedAsync(configure: HostedPolicy);
        var recorder = new StatusRecorder(component);
        var clock = Stopwatch.StartNew();
        await Router.SendRawAsync("echo.localhost", Encoding.UTF8.GetBytes(
            "<message to='a@echo.localhost'><body>1</body></message><message to='a@echo.localhost'><body>2</body></message>" +
            "</stream:stream><message to='a@echo.localhost'><body>3</body></message>"));
        (_, bool clean) = await Router.WaitForDisconnectAsync(TimeSpan.FromSeconds(5));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)));
        Assert.That(clean, Is.True, "answered with its own closing tag");
        Assert.That((await recorder.WaitForAsync(ConnectionStatus.SocketFail)).Error, Is.TypeOf<ConnectionLostException>());
        await TestComponent.Until(() => component.ReadyCount == 2, null, "ready again by itself");
        Assert.That(component.Messages.Select(m => (string?)m.Element("body")), Is.EqualTo(new[] { "1", "2" }), "nothing after the closing tag");
    }

    [Test]
    public async Task AStanzaBeforeTheHandshakeIsNotAuthorizedAndRetried()
    {
        Router.SendBeforeHandshake = Encoding.UTF8.GetBytes("<message to='a@echo.localhost'><body>too early</body></message>");
        ConnectionOptions options = Router.OptionsFor("echo.localhost");
        await using var component = new TestComponent(options);
        var recorder = new StatusRecorder(component);

        var error = await Assert.ThrowsAsync<XmppAuthenticationException>(() => component.ConnectAsync());
        Assert.That(error!.Condition, Is.EqualTo("unexpected-element"));
        Assert.That(ConnectionFailures.IsPermanent(error), Is.False, "a confused server is worth another try");
        XElement answer = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.That(StreamError.Parse(answer).Condition, Is.EqualTo(StreamErrorCondition.NotAuthorized), "RFC 6120 §4.9.3.12");
        Assert.That(component.Messages, Is.Empty, "the early stanza never reached the application");
        Assert.That(recorder.Statuses, Does.Contain(ConnectionStatus.AuthFail));

        Router.SendBeforeHandshake = ReadOnlyMemory<byte>.Empty;
        options.Reconnect.Enabled = true;
        await component.ConnectWithRetryAsync();
        Assert.That(component.IsReady, Is.True);
    }
}
