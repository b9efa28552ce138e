using System.Xml.Linq;

namespace ComponentSdk.Dispatch;

/// <summary>What a filter's handler receives: the filter, the nodes its expression selected, and the stanza.</summary>
/// <param name="Name">The name the filter was added under.</param>
/// <param name="XPath">The filter's expression.</param>
/// <param name="Matches">The selected nodes (<see cref="XElement"/>, <see cref="XAttribute"/>, <see cref="XText"/>); empty when a boolean expression was true.</param>
/// <param name="Stanza">The stanza that matched.</param>
public sealed record FilterMatch(string Name, string XPath, IReadOnlyList<XObject> Matches, XElement Stanza);
