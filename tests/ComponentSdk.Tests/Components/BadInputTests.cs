using System.Text;
using System.Xml.Linq;
using ComponentSdk.Tests.Support;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Components;

/// <summary>What the server sends that breaks the rules ends the stream with the right RFC 6120 stream error.</summary>
[CancelAfter(20_000)]
public class BadInputTests : RouterFixture
{
    [TestCase("<!-- comment -->", StreamErrorCondition.RestrictedXml)]
    [TestCase("<?pi x?>", StreamErrorCondition.RestrictedXml)]
    [TestCase("<message><body>&lol;</body></message>", StreamErrorCondition.RestrictedXml)]
    [TestCase("<!DOCTYPE x [<!ENTITY a 'b'>]>", StreamErrorCondition.RestrictedXml)]
    [TestCase("<message><body></message>", StreamErrorCondition.NotWellFormed)]
    [TestCase("text between stanzas", StreamErrorCondition.NotWellFormed)]
    public async Task TheComponentAnswersWithTheStreamErrorAndReportsIt(string raw, StreamErrorCondition expected)
    {
        await using TestComponent component = await ConnectedAsync();
        var recorder = new StatusRecorder(component);

        await Router.SendRawAsync("echo.localhost", Encoding.UTF8.GetBytes(raw));

        XElement error = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.That(error.IsStreamError(), Is.True, error.ToString());
        Assert.That(StreamError.Parse(error).Condition, Is.EqualTo(expected));
        var sent = await recorder.WaitForAsync(ConnectionStatus.StreamErrorSent);
        Assert.That(((StreamViolationException)sent.Error!).Condition, Is.EqualTo(expected));
        Assert.That((await recorder.WaitForAsync(ConnectionStatus.SocketFail)).Error, Is.SameAs(sent.Error));
        await TestComponent.Until(() => Router.ConnectedDomains.Count == 0, TimeSpan.FromSeconds(2), "the connection to close within a second or so");
        Assert.That(component.IsReady, Is.False);
    }

    [Test]
    public async Task AnOversizedStanzaIsAPolicyViolation()
    {
        await using TestComponent component = await ConnectedAsync(configure: o => o.MaxStanzaBytes = 4096);
        var recorder = new StatusRecorder(component);
        await Router.SendRawAsync("echo.localhost", Encoding.UTF8.GetBytes("<message><body>" + new string('x', 100_000) + "</body></message>"));
        XElement error = await Router.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.That(StreamError.Parse(error).Condition, Is.EqualTo(StreamErrorCondition.PolicyViolation));
        Assert.That((await recorder.WaitForAsync(ConnectionStatus.StreamErrorSent)).Error, Is.TypeOf<StanzaTooLargeException>());
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
    public async Task TheServerClosingItsStreamIsAnsweredAndReported()
    {
        await using TestComponent component = await ConnectedAsync();
        var recorder = new StatusRecorder(component);
        await Router.SendRawAsync("echo.localhost", Encoding.UTF8.GetBytes("</stream:stream>"));
        Assert.That((await recorder.WaitForAsync(ConnectionStatus.SocketFail)).Error, Is.TypeOf<ConnectionLostException>());
        await TestComponent.Until(() => Router.ConnectedDomains.Count == 0, null, "the close");
    }
}
