using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.Transport;

/// <summary>
/// Renders elements for logs with credentials removed: the XEP-0114 handshake digest, every SASL payload, the
/// password or digest of a <c>jabber:iq:auth</c> login, and the text of elements the application marked secret
/// (<see cref="Stanza.MarkSecret"/>).
/// </summary>
internal static class SecretRedactor
{
    public const string Redacted = "[redacted]";

    private static readonly XNamespace Sasl = Namespaces.Sasl;
    private static readonly XNamespace IqAuth = Namespaces.IqAuth;

    /// <summary>The element itself, or a copy with every secret replaced by <see cref="Redacted"/>.</summary>
    public static XElement Redact(XElement element)
    {
        if (!HasSecrets(element)) return element;
        XElement copy = OriginIdStamp.Copy(element); // traced as written, origin-id included
        // A copy loses other annotations: the original says which of its elements are secret, in the same order.
        foreach ((XElement original, XElement e) in element.DescendantsAndSelf().Zip(copy.DescendantsAndSelf()))
        {
            if (IsSecret(original) && !e.IsEmpty) e.Value = Redacted;
        }
        return copy;
    }

    private static bool HasSecrets(XElement element) => element.DescendantsAndSelf().Any(IsSecret);

    private static bool IsSecret(XElement e) =>
        e.IsMarkedSecret()
        || (e.Name.Namespace == XNamespace.None && e.Name.LocalName == "handshake")
        || (e.Name.Namespace == Sasl && e.Name.LocalName is "auth" or "response" or "challenge" or "success")
        || (e.Name.Namespace == IqAuth && e.Name.LocalName is "password" or "digest");
}
