using System.Globalization;

namespace ComponentSdk.Hosting;

/// <summary>
/// Settings of the component process itself, as opposed to one connection: bound from the configuration section
/// <see cref="SectionName"/> (<c>--ComponentHost:WarmUpMessages=20000</c>).
/// </summary>
public sealed class ComponentHostOptions
{
    /// <summary>The configuration section these options are read from: <c>ComponentHost</c>.</summary>
    public const string SectionName = "ComponentHost";

    /// <summary>The largest <see cref="WarmUpMessages"/> accepted.</summary>
    public const int MaxWarmUpMessages = 1_000_000;

    /// <summary>
    /// Messages sent through the SDK's own code before the first connection, so that the component is compiled to full
    /// speed before it takes traffic. Off (0) by default: the warm-up delays connecting (about 0.5 s for 20,000 on two
    /// cores), and while a component is not connected the server answers stanzas for it with errors. Worth it for a
    /// component that must serve at full rate from its first second. See docs/performance.md, "Cold start".
    /// </summary>
    public int WarmUpMessages { get; set; }

    /// <summary>What is wrong with these options, each message naming its key; empty when they are valid.</summary>
    public IReadOnlyList<string> GetFailures() =>
        WarmUpMessages is < 0 or > MaxWarmUpMessages
            ? [string.Create(CultureInfo.InvariantCulture, $"{SectionName}:{nameof(WarmUpMessages)} must be between 0 and {MaxWarmUpMessages:N0}, not {WarmUpMessages}.")]
            : [];
}
