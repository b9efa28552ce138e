using System.Collections.Concurrent;
using System.Xml.Linq;

namespace ComponentSdk.Runtime.Responders;

/// <summary>
/// The nodes of the component that parts over its public API answer for (XEP-0030 §3.2, §4.2): ad-hoc commands,
/// for one. For each, what disco#info and disco#items say, decided per request (a requester may not see a node).
/// </summary>
internal sealed class DiscoNodes
{
    private readonly ConcurrentDictionary<string, (Func<XElement, DiscoNodeInfo?> Info, Func<XElement, IEnumerable<DiscoItem>>? Items)> nodes = new(StringComparer.Ordinal);

    public void Add(string node, Func<XElement, DiscoNodeInfo?> info, Func<XElement, IEnumerable<DiscoItem>>? items) => nodes[node] = (info, items);

    public bool Remove(string node) => nodes.TryRemove(node, out _);

    /// <summary>False when the node is not registered; otherwise its info for this request (null: not for this requester).</summary>
    public bool TryInfo(string node, XElement request, out DiscoNodeInfo? info)
    {
        info = null;
        if (!nodes.TryGetValue(node, out var entry)) return false;
        info = entry.Info(request);
        return true;
    }

    /// <summary>False when the node is not registered; otherwise its items for this request (null: not for this requester).</summary>
    public bool TryItems(string node, XElement request, out IEnumerable<DiscoItem>? items)
    {
        items = null;
        if (!nodes.TryGetValue(node, out var entry)) return false;
        items = entry.Info(request) is null ? null : entry.Items?.Invoke(request) ?? [];
        return true;
    }
}
