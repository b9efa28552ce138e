using System.Reflection;

namespace ComponentSdk.Tests.Architecture;

/// <summary>
/// The layers of the SDK, bottom to top, and the rule between them: code uses its own area and the layers below it,
/// never a layer above or another area of its own layer. A loop between layers fails here, naming the types.
/// </summary>
public sealed class LayerTests
{
    /// <summary>Areas by layer: the vocabulary at the bottom, the component runtime on top.</summary>
    private static readonly string[][] Layers =
    [
        ["Vocabulary"],                                     // options, statuses and their event args, exceptions, Jid
        ["Xml", "Sasl", "Concurrency", "Diagnostics", "Forms"], // building blocks that know no connection
        ["Transport", "Dispatch"],                          // one connection's pipeline; ordered work for the application
        ["Protocols"],                                      // what every negotiation shares
        ["Protocols.Accept", "Protocols.Client", "Protocols.Legacy", "Protocols.Jabberd2"],
        ["Runtime"],                                        // Component and its parts
        ["GroupChat", "Commands", "Registration", "Presence", "Privileges"], // helpers over Component's public API
    ];

    private static readonly Assembly Sdk = typeof(Component).Assembly;

    [Test]
    public void EveryNamespaceBelongsToALayer()
    {
        string[] unplaced = [.. SdkTypes().Select(Area).Distinct().Where(a => LayerOf(a) < 0)];
        Assert.That(unplaced, Is.Empty, "add new namespaces to Layers");
    }

    [Test]
    public void NothingUsesALayerAboveItOrASiblingArea()
    {
        var violations = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Type type in SdkTypes())
        {
            string from = Area(type);
            foreach (Type used in TypeReferences.Of(type))
            {
                if (used.Assembly != Sdk || IsCompilerArtifact(used)) continue;
                string to = Area(TypeReferences.Outermost(used));
                if (to == from || LayerOf(to) < LayerOf(from)) continue;
                violations.Add($"{from} -> {to}: {type.FullName} uses {TypeReferences.Outermost(used).FullName}");
            }
        }
        Assert.That(violations, Is.Empty);
    }

    [Test]
    public void TheCheckSeesReferencesInMethodBodies()
    {
        // Inbox names Outbox only in its constructor's parameters and bodies; ConnectionSupervisor creates the negotiations
        // of each protocol inside a method body. Both must be found, or the rule above would pass for the wrong reason.
        Assert.That(TypeReferences.Of(typeof(global::ComponentSdk.Runtime.ConnectionSupervisor)), Does.Contain(typeof(global::ComponentSdk.Protocols.Accept.AcceptHandshake)));
        Assert.That(TypeReferences.Of(typeof(global::ComponentSdk.Runtime.Inbox)), Does.Contain(typeof(global::ComponentSdk.Dispatch.DispatchItem)));
    }

    private static IEnumerable<Type> SdkTypes() => Sdk.GetTypes().Where(t => t.DeclaringType is null && !IsCompilerArtifact(t));

    private static bool IsCompilerArtifact(Type type) => type.Namespace is null || TypeReferences.IsCompilerGenerated(TypeReferences.Outermost(type));

    private static string Area(Type type)
    {
        if (type == typeof(Component)) return "Runtime";
        string ns = type.Namespace!;
        if (ns == "ComponentSdk") return "Vocabulary";
        string area = ns["ComponentSdk.".Length..];
        return area.StartsWith("Runtime", StringComparison.Ordinal) ? "Runtime" : area;
    }

    private static int LayerOf(string area) => Array.FindIndex(Layers, layer => layer.Contains(area));
}
