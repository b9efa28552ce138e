using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.Runtime.Responders;

/// <summary>XEP-0199: answers a ping with an empty result.</summary>
internal static class PingResponder
{
    public static readonly XName Payload = XName.Get("ping", "urn:xmpp:ping");

    public static ValueTask<XElement?> AnswerAsync(XElement iq, CancellationToken cancellationToken) => ValueTask.FromResult<XElement?>(iq.ResultFor());
}
