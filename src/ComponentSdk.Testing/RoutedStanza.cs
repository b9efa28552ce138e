using System.Xml.Linq;

namespace ComponentSdk.Testing;

/// <summary>A stanza the router received from a component, and where it went.</summary>
/// <param name="FromDomain">The domain of the component that sent it.</param>
/// <param name="Stanza">The stanza.</param>
/// <param name="DeliveredTo">
/// The domain of the component it was delivered to; the router's own <see cref="LoopbackRouter.Domain"/> when the router
/// answered it; null when it was kept (see <see cref="LoopbackRouter.Received"/>).
/// </param>
public sealed record RoutedStanza(string FromDomain, XElement Stanza, string? DeliveredTo);
