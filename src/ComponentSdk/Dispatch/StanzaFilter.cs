using System.Xml;
using System.Xml.XPath;

namespace ComponentSdk.Dispatch;

/// <summary>A compiled XPath filter and its handler.</summary>
internal sealed class StanzaFilter
{
    private StanzaFilter(string name, string xpath, XPathExpression expression, Func<FilterMatch, CancellationToken, ValueTask> handler)
    {
        Name = name;
        XPath = xpath;
        Expression = expression;
        Handler = handler;
    }

    public string Name { get; }

    public string XPath { get; }

    public XPathExpression Expression { get; }

    public Func<FilterMatch, CancellationToken, ValueTask> Handler { get; }

    /// <summary>Compiles <paramref name="xpath"/> once; an invalid expression throws <see cref="ArgumentException"/> here, not at the first stanza.</summary>
    public static StanzaFilter Create(string name, string xpath, Func<FilterMatch, CancellationToken, ValueTask> handler, IReadOnlyDictionary<string, string>? namespaces)
    {
        XPathExpression expression;
        try
        {
            expression = XPathExpression.Compile(xpath);
            if (namespaces is { Count: > 0 })
            {
                var manager = new XmlNamespaceManager(new NameTable());
                foreach ((string prefix, string uri) in namespaces) manager.AddNamespace(prefix, uri);
                expression.SetContext(manager);
            }
            // Checks prefixes against the namespaces now rather than on the first stanza.
            new System.Xml.Linq.XElement("probe").CreateNavigator().Evaluate(expression);
        }
        catch (XPathException ex)
        {
            throw new ArgumentException($"The filter '{name}' has an invalid XPath expression '{xpath}': {ex.Message}", nameof(xpath), ex);
        }
        return new StanzaFilter(name, xpath, expression, handler);
    }
}
