using ComponentSdk.Xml;

namespace ComponentSdk;

/// <summary>The jabberd2 router protocol (configuration section <c>Component:Jabberd2</c>), with PCJ's names.</summary>
public sealed class Jabberd2Options
{
    /// <summary>
    /// The names to bind, separated by commas (PCJ's <c>BindDomain</c>). Default: <c>Username.Hostname</c>. The first is
    /// the component's <see cref="Component.Jid"/>.
    /// </summary>
    public string? BindDomain { get; set; }

    /// <summary>
    /// Options for every bind, separated by commas (PCJ's <c>BindOption</c>): <c>default</c> makes this the route for
    /// unknown domains, <c>log</c> makes it a log sink that gets a copy of every route.
    /// </summary>
    public string? BindOption { get; set; }

    /// <summary>The names bound: <see cref="BindDomain"/>, or <c>username.hostname</c>.</summary>
    public IReadOnlyList<string> NamesFor(string? username, string hostname) =>
        string.IsNullOrWhiteSpace(BindDomain) ? [$"{username}.{hostname}"] : Split(BindDomain);

    /// <summary>The bind options: <see cref="BindOption"/>, split.</summary>
    public IReadOnlyList<string> Options => string.IsNullOrWhiteSpace(BindOption) ? [] : Split(BindOption);

    private static string[] Split(string list) => list.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    internal Jabberd2Options Clone() => (Jabberd2Options)MemberwiseClone();

    internal void AddFailures(string? username, string hostname, List<string> failures)
    {
        foreach (string name in NamesFor(username, hostname).Where(n => !Jid.TryParse(n, out _))) failures.Add($"Jabberd2:BindDomain: '{name}' is not a name that can be bound.");
        foreach (string option in Options.Where(o => o is not ("default" or "log"))) failures.Add($"Jabberd2:BindOption: '{option}' is not 'default' or 'log'.");
    }
}
