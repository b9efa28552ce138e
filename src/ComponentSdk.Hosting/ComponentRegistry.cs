namespace ComponentSdk.Hosting;

/// <summary>The components running in this host, once they are created (they are made when the host starts).</summary>
public sealed class ComponentRegistry
{
    private readonly List<Component> components = [];

    /// <summary>A snapshot of the components created so far.</summary>
    public IReadOnlyList<Component> Components
    {
        get { lock (components) return [.. components]; }
    }

    /// <summary>Why a component could not run (a refused login, an unreachable server), if one could not.</summary>
    public string? Failure { get; internal set; }

    internal void Add(Component component)
    {
        lock (components) components.Add(component);
    }
}
