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
        foreach ((string member, string summary) in LoadDocs(typeof(ComponentHostOptions).Assembly)) docs[member] = summary;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Usage: {program} [--{sectionName}:Key=Value ...]");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Each key can also come from the environment ({sectionName}__Key=Value, {sectionName}__Reconnect__MaxDelay=...),");
        text.AppendLine("from appsettings.json beside the program, or from user secrets in Development. Keys of the section:");
        var defaults = new ConnectionOptions();
        var sections = new List<(string Title, List<(string Key, string Default, string Description)> Rows)>
        {
            ("", Collect(typeof(ConnectionOptions), defaults, sectionName + ":", docs)),
            ("Login: logging in as a user or router user (Client, Legacy, Jabberd2)", Collect(typeof(LoginOptions), defaults.Login, sectionName + ":Login:", docs)),
            ("Tls: when TLS is used, and which certificates are trusted", Collect(typeof(TlsOptions), defaults.Tls, sectionName + ":Tls:", docs)),
            ("Delivery: the outgoing queue, acknowledged delivery, duplicates", Collect(typeof(DeliveryOptions), defaults.Delivery, sectionName + ":Delivery:", docs)),
            ("Limits: bounds on memory and on what the server may send", Collect(typeof(LimitOptions), defaults.Limits, sectionName + ":Limits:", docs)),
            ("Liveness: keepalives and pings", Collect(typeof(LivenessOptions), defaults.Liveness, sectionName + ":Liveness:", docs)),
            ("Reconnect: after a lost connection", Collect(typeof(ReconnectOptions), defaults.Reconnect, sectionName + ":Reconnect:", docs)),
            ("Jabberd2: the names a jabberd2 router component binds", Collect(typeof(Jabberd2Options), defaults.Jabberd2, sectionName + ":Jabberd2:", docs)),
            ("Dns: finding the server of a Client or Legacy login without a Host", Collect(typeof(DnsOptions), defaults.Dns, sectionName + ":Dns:", docs)),
            ("StreamManagement: XEP-0198 acks and session resumption for Client logins", Collect(typeof(StreamManagementOptions), defaults.StreamManagement, sectionName + ":StreamManagement:", docs)),
            ($"{ComponentHostOptions.SectionName}: the process, whatever components it runs", Collect(typeof(ComponentHostOptions), new ComponentHostOptions(), ComponentHostOptions.SectionName + ":", docs)),
        };
        var all = sections.SelectMany(s => s.Rows).ToList();
        int width = all.Max(r => r.Key.Length) + 2;
        int defaultWidth = Math.Min(24, all.Max(r => r.Default.Length)) + 2;
        foreach ((string title, List<(string Key, string Default, string Description)> rows) in sections)
        {
            text.AppendLine();
            if (title.Length > 0) text.AppendLine(title);
            foreach ((string key, string value, string description) in rows)
            {
                text.Append("  ").Append(key.PadRight(width)).Append(value.PadRight(defaultWidth)).AppendLine(description);
            }
        }
        return text.ToString();
    }

    /// <summary>The settable properties of one options class that are values (not groups, not code-only delegates).</summary>
    private static List<(string Key, string Default, string Description)> Collect(
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type type, object defaults, string prefix, Dictionary<string, string> docs)
    {
        var rows = new List<(string, string, string)>();
        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite || property.SetMethod?.IsPublic != true) continue; // computed, not configuration
            if (property.PropertyType.IsSubclassOf(typeof(Delegate))) continue; // code only
            if (property.PropertyType.IsClass && property.PropertyType != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(property.PropertyType)) continue; // a group, listed on its own
            string description = docs.GetValueOrDefault($"P:{type.FullName}.{property.Name}", "");
            rows.Add((prefix + property.Name, Show(property, property.GetValue(defaults)), description));
        }
        return rows;
    }

    private static string Show(PropertyInfo property, object? value)
    {
        if (property.Name.Contains("Password", StringComparison.Ordinal)) return "(secret)";
        return value switch
        {
            null when property.Name == nameof(TlsOptions.Mode) => "Required (Accept: none)",
            null => "-",
            string s when s.Length == 0 => "-",
            TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            IEnumerable<string> list => list.Any() ? string.Join(",", list) : "-",
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
