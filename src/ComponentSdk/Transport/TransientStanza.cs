using System.Xml.Linq;

namespace ComponentSdk.Transport;

/// <summary>
/// Marks a stanza that belongs to one connection only (a liveness ping): counted like any other by stream management,
/// but never sent again on another connection.
/// </summary>
internal sealed class TransientStanza
{
    private static readonly TransientStanza Instance = new();

    private TransientStanza() { }

    public static XElement Mark(XElement stanza)
    {
        stanza.AddAnnotation(Instance);
        return stanza;
    }

    public static bool Is(XElement stanza) => stanza.Annotation<TransientStanza>() is not null;
}
