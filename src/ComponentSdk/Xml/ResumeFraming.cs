namespace ComponentSdk.Xml;

/// <summary>
/// A pipeline user event: reading was switched back on, so <see cref="StanzaFramer"/> hands on the frames it held
/// while the channel's auto-read was off.
/// </summary>
public sealed class ResumeFraming
{
    private ResumeFraming() { }

    /// <summary>The event (it carries nothing).</summary>
    public static ResumeFraming Instance { get; } = new();
}
