using System.Collections.Concurrent;
using System.Xml.Linq;

namespace ComponentSdk.Dispatch;

/// <summary>Handlers for iq requests, by type (<c>get</c>/<c>set</c>) and the name of the payload element.</summary>
internal sealed class IqRouter
{
    private readonly ConcurrentDictionary<(string Type, XName Payload), Func<XElement, CancellationToken, ValueTask<XElement?>>> handlers = new();

    public void Register(string type, XName payload, Func<XElement, CancellationToken, ValueTask<XElement?>> handler) =>
        handlers[(type, payload)] = handler;

    public bool Unregister(string type, XName payload) => handlers.TryRemove((type, payload), out _);

    /// <summary>The namespaces of the registered payloads, for service discovery.</summary>
    public IEnumerable<string> Namespaces => handlers.Keys.Select(k => k.Payload.NamespaceName).Where(ns => ns.Length > 0).Distinct();

    public Func<XElement, CancellationToken, ValueTask<XElement?>>? Find(XElement iq)
    {
        string? type = (string?)iq.Attribute("type");
        XElement? payload = iq.Elements().FirstOrDefault();
        if (type is null || payload is null) return null;
        return handlers.TryGetValue((type, payload.Name), out var handler) ? handler : null;
    }
}
