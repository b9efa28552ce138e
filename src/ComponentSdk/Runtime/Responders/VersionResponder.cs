using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.Runtime.Responders;

/// <summary>XEP-0092: answers with the software's name and version, read at each request.</summary>
internal sealed class VersionResponder(Func<string> name, Func<string> version)
{
    private static readonly XNamespace Version = "jabber:iq:version";

    public static readonly XName Payload = Version + "query";

    public ValueTask<XElement?> AnswerAsync(XElement iq, CancellationToken cancellationToken) => ValueTask.FromResult<XElement?>(iq.ResultFor(
        new XElement(Version + "query", new XElement(Version + "name", name()), new XElement(Version + "version", version()))));
}
