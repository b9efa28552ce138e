using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Xml.Linq;

namespace ComponentSdk.Hosting;

/// <summary>
/// The <c>--help</c> text of a component process: every configuration key of <see cref="ConnectionOptions"/> with its
/// default and the description from the SDK's XML documentation (shipped beside the assembly), so it never drifts
/// from the code. Secrets show no value.
/// </summary>
public static class OptionsHelp
{
    /// <summary>True when the command line asks for help (<c>--help</c>, <c>-h</c> or <c>-?</c>).</summary>
    public static bool IsRequested(IEnumerable<string> args) => args.Any(a => a is "--help" or "-h" or "-?");

    /// <summary>The help text for a program named <paramref name="program"/> reading the section <paramref name="sectionName"/>.</summary>
    public static string Build(string program, string sectionName = ConnectionOptions.SectionName)
    {
        Dictionary<string, string> docs = LoadDocs(typeof(ConnectionOptions).Assembly);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Usage: {program} [--{sectionName}:Key=Value ...]");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Each key can also come from the environment ({sectionName}__Key=Value, {sectionName}__Reconnect__MaxDelay=...),");
        text.AppendLine("from appsettings.json beside the program, or from user secrets in Development. Keys of the section:");
        text.AppendLine();
        var rows = new List<(string Key, string Default, string Description)>();
        Collect(typeof(ConnectionOptions), new ConnectionOptions(), sectionName + ":", docs, rows);
        int width = rows.Max(r => r.Key.Length) + 2;
        int defaultWidth = Math.Min(24, rows.Max(r => r.Default.Length)) + 2;
        foreach ((string key, string value, string description) in rows)
        {
            text.Append("  ").Append(key.PadRight(width)).Append(value.PadRight(defaultWidth)).AppendLine(description);
        }
        return text.ToString();
    }

    private static void Collect([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type type, object defaults,
        string prefix, Dictionary<string, string> docs, List<(string, string, string)> rows)
    {
        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite || property.SetMethod?.IsPublic != true) continue; // computed, not configuration
            if (property.PropertyType.IsSubclassOf(typeof(Delegate))) continue; // code only
            object? value = property.GetValue(defaults);
            if (property.PropertyType.IsClass && property.PropertyType != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(property.PropertyType))
            {
                // The one nested section, named so that trimming and Native AOT keep its properties.
                if (value is ReconnectOptions) Collect(typeof(ReconnectOptions), value, prefix + property.Name + ":", docs, rows);
                continue;
            }
            string description = docs.GetValueOrDefault($"P:{type.FullName}.{property.Name}", "");
            rows.Add((prefix + property.Name, Show(property, value), description));
        }
    }

    private static string Show(PropertyInfo property, object? value)
    {
        if (property.Name.Contains("Password", StringComparison.Ordinal)) return "(secret)";
        return value switch
        {
            null => "-",
            string s when s.Length == 0 => "-",
            TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "-",
        };
    }

    /// <summary>First sentences of the summaries in the assembly's XML documentation, by member id; empty when the file is absent.</summary>
    private static Dictionary<string, string> LoadDocs(Assembly assembly)
    {
        // Beside the program rather than the assembly, which has no file of its own in a single-file or Native AOT build.
        string path = Path.Combine(AppContext.BaseDirectory, assembly.GetName().Name + ".xml");
        var docs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path)) return docs;
        foreach (XElement member in XDocument.Load(path).Descendants("member"))
        {
            if (member.Attribute("name")?.Value is not { } name || member.Element("summary") is not { } summary) continue;
            string text = string.Join(" ", string.Concat(summary.Nodes().Select(Render)).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            int stop = text.IndexOf(". ", StringComparison.Ordinal);
            docs[name] = stop > 0 ? text[..(stop + 1)] : text;
        }
        return docs;
    }

    private static string Render(XNode node) => node switch
    {
        XText t => t.Value,
        XElement { Name.LocalName: "see" or "paramref" or "typeparamref" } e =>
            (e.Attribute("cref") ?? e.Attribute("name") ?? e.Attribute("langword"))?.Value.Split('.', ':').Last() ?? "",
        XElement e => string.Concat(e.Nodes().Select(Render)),
        _ => "",
    };
}
