using System.Globalization;
using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.Runtime.Responders;

/// <summary>XEP-0202: answers with the local time's offset and the time in UTC, from the clock given.</summary>
internal sealed class TimeResponder(Func<TimeProvider> clock)
{
    private static readonly XNamespace Time = "urn:xmpp:time";

    public static readonly XName Payload = Time + "time";

    public ValueTask<XElement?> AnswerAsync(XElement iq, CancellationToken cancellationToken)
    {
        DateTimeOffset now = clock().GetLocalNow();
        string offset = now.Offset == TimeSpan.Zero ? "Z" : now.ToString("zzz", CultureInfo.InvariantCulture);
        return ValueTask.FromResult<XElement?>(iq.ResultFor(new XElement(Time + "time",
            new XElement(Time + "tzo", offset),
            new XElement(Time + "utc", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)))));
    }
}
