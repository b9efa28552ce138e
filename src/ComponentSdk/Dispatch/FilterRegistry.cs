using System.Collections.Immutable;
using System.Xml.Linq;
using System.Xml.XPath;

namespace ComponentSdk.Dispatch;

/// <summary>
/// The XPath filters (PCJ's xpath_filter), in the order they were added. Several filters may match one stanza,
/// and each fires once with all the nodes it selected. Filters are kept across reconnects.
/// </summary>
internal sealed class FilterRegistry
{
    private ImmutableArray<StanzaFilter> filters = [];

    public int Count => filters.Length;

    public void Add(StanzaFilter filter) => ImmutableInterlocked.Update(ref filters, list => list.Add(filter));

    /// <summary>Removes every filter added under <paramref name="name"/>; returns how many.</summary>
    public int Remove(string name)
    {
        int removed = 0;
        ImmutableInterlocked.Update(ref filters, list =>
        {
            ImmutableArray<StanzaFilter> kept = list.RemoveAll(f => f.Name == name);
            removed = list.Length - kept.Length;
            return kept;
        });
        return removed;
    }

    /// <summary>
    /// Evaluates every filter against <paramref name="stanza"/>, the root of its document, so that both
    /// <c>/message/body</c> and <c>self::message</c> work. Returns the matches in filter order.
    /// </summary>
    public List<(StanzaFilter Filter, FilterMatch Match)>? Evaluate(XElement stanza)
    {
        ImmutableArray<StanzaFilter> current = filters;
        if (current.IsEmpty) return null;
        List<(StanzaFilter, FilterMatch)>? matches = null;
        XPathNavigator navigator = stanza.CreateNavigator();
        foreach (StanzaFilter filter in current)
        {
            IReadOnlyList<XObject>? nodes = Select(navigator, filter.Expression);
            if (nodes is null) continue;
            (matches ??= []).Add((filter, new FilterMatch(filter.Name, filter.XPath, nodes, stanza)));
        }
        return matches;
    }

    /// <summary>The selected nodes; an empty list for a true boolean; null when nothing matched.</summary>
    private static IReadOnlyList<XObject>? Select(XPathNavigator navigator, XPathExpression expression)
    {
        switch (navigator.Evaluate(expression))
        {
            case XPathNodeIterator iterator:
                List<XObject>? nodes = null;
                while (iterator.MoveNext())
                {
                    if (iterator.Current?.UnderlyingObject is XObject node) (nodes ??= []).Add(node);
                }
                return nodes;
            case bool result:
                return result ? [] : null;
            default:
                return null;
        }
    }
}
