using System.Text;
using System.Xml.Linq;
using ComponentSdk.Transport;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Xml;

public class OriginIdStampTests
{
    private static readonly Guid Id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
    private static readonly XName OriginIdName = XName.Get("origin-id", Namespaces.StanzaIds);

    private static XElement WrittenAndReadBack(XElement stanza)
    {
        var writer = new StanzaWriter();
        writer.WriteHeader(new StreamHeader { To = "echo.localhost", DefaultNamespace = Namespaces.ComponentAccept });
        return XElement.Parse(Encoding.UTF8.GetString(writer.WriteStanza(stanza))); // in the stream's namespace, undeclared
    }

    [Test]
    public void AStampIsWrittenAsTheLastChildAndReadAsTheOriginId()
    {
        var message = new XElement("message", new XAttribute("to", "a@localhost"), new XElement("body", "hi"));
        Assert.That(OriginIdStamp.TryStamp(message, Id), Is.True);

        XElement written = WrittenAndReadBack(message);

        Assert.Multiple(() =>
        {
            Assert.That(written.Elements().Select(e => e.Name.LocalName), Is.EqualTo(new[] { "body", "origin-id" }));
            Assert.That(written.Elements().Last().Name, Is.EqualTo(OriginIdName));
            Assert.That(written.OriginId(), Is.EqualTo(Id.ToString("D")));
            Assert.That(message.OriginId(), Is.EqualTo(Id.ToString("D")), "the sender's element names it too");
            Assert.That(message.Elements().Count(), Is.EqualTo(1), "without a child of its own");
        });
    }

    [Test]
    public void AnEmptyStanzaGetsAnEndTagForIt()
    {
        var presence = new XElement("presence", new XAttribute("to", "a@localhost"));
        OriginIdStamp.TryStamp(presence, Id);

        XElement written = WrittenAndReadBack(presence);

        Assert.That(written.Elements().Single().Name, Is.EqualTo(OriginIdName));
        Assert.That(written.OriginId(), Is.EqualTo(Id.ToString("D")));
    }

    [Test]
    public void AStanzaWithAnOriginIdKeepsItsOwn()
    {
        var own = new XElement("message", new XElement(OriginIdName, new XAttribute("id", "mine")));
        var stamped = new XElement("message");
        OriginIdStamp.TryStamp(stamped, Id);

        Assert.Multiple(() =>
        {
            Assert.That(OriginIdStamp.TryStamp(own, Id), Is.False);
            Assert.That(OriginIdStamp.TryStamp(stamped, Guid.NewGuid()), Is.False, "a second stamp would change the id of the copies");
            Assert.That(WrittenAndReadBack(own).Elements(OriginIdName).Select(e => (string?)e.Attribute("id")), Is.EqualTo(new[] { "mine" }));
            Assert.That(stamped.OriginId(), Is.EqualTo(Id.ToString("D")));
        });
    }

    [Test]
    public void CopiesForTheWireKeepTheStampAndRepliesDoNot()
    {
        var message = new XElement("message", new XAttribute("from", "a@localhost"), new XAttribute("to", "b@localhost"), new XElement("body", "hi"));
        OriginIdStamp.TryStamp(message, Id);
        var route = new XElement("route", OriginIdStamp.Copy(message));
        message.Add(new XElement(XName.Get("query", "jabber:iq:auth"), new XElement(XName.Get("password", "jabber:iq:auth"), "s3cret")));

        Assert.Multiple(() =>
        {
            Assert.That(route.Elements().Single().OriginId(), Is.EqualTo(Id.ToString("D")), "a copy inside an envelope");
            Assert.That(SecretRedactor.Redact(message).OriginId(), Is.EqualTo(Id.ToString("D")), "the trace shows what is written");
            Assert.That(message.ReplyTo().OriginId(), Is.Null, "a reply is a stanza of its own");
        });
    }
}
