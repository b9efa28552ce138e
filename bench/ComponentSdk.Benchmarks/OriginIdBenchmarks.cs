using System.Xml.Linq;
using BenchmarkDotNet.Attributes;
using ComponentSdk.Dispatch;
using ComponentSdk.Xml;

namespace ComponentSdk.Benchmarks;

/// <summary>
/// What acknowledged delivery adds to each message it sends: a XEP-0359 origin-id (a random UUID, stamped on the
/// element and written by the encoder). One operation builds an echo of 300 bytes of body and writes it, with and
/// without the stamp.
/// </summary>
[MemoryDiagnoser]
public class OriginIdBenchmarks
{
    private readonly StanzaWriter writer = new();
    private readonly string body = new('x', 300);

    [GlobalSetup]
    public void Setup() => writer.WriteHeader(new StreamHeader { To = "echo.localhost", DefaultNamespace = Namespaces.ComponentAccept });

    private XElement Echo() => new(XmppNames.Message, new XAttribute(XmppNames.To, "bob@localhost/r"), new XElement(XmppNames.Body, body),
        new XAttribute(XmppNames.From, "echo.localhost"), new XAttribute(XmppNames.Id, "m-123456"), new XAttribute(XmppNames.Type, "chat"));

    [Benchmark(Baseline = true, Description = "build+write")]
    public int Write() => writer.WriteStanza(Echo()).Length;

    [Benchmark(Description = "build+stamp+write")]
    public int StampAndWrite()
    {
        XElement echo = Echo();
        DeliveryTracker.StampOriginId(echo);
        return writer.WriteStanza(echo).Length;
    }
}
