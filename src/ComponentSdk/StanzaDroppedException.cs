using System.Xml.Linq;

namespace ComponentSdk;

/// <summary>
/// A stanza accepted for sending was given up on: with acknowledged delivery, <see cref="DeliveryOptions.MaxAttempts"/>
/// connections it was written to ended before the server confirmed it, typically because the server refuses it (a
/// stanza over the server's size limit ends the stream with <c>policy-violation</c>). Raised with
/// <see cref="ConnectionStatus.StanzaDropped"/>, and thrown to a <see cref="Component.RequestAsync"/> waiting for it.
/// </summary>
public sealed class StanzaDroppedException : XmppException
{
    /// <summary>Creates the exception.</summary>
    public StanzaDroppedException(XElement stanza, int attempts, Exception? lastError)
        : base(Describe(stanza, attempts, lastError), lastError)
    {
        Stanza = stanza;
        Attempts = attempts;
    }

    /// <summary>The stanza that was not delivered.</summary>
    public XElement Stanza { get; }

    /// <summary>How many connections it was written to.</summary>
    public int Attempts { get; }

    private static string Describe(XElement stanza, int attempts, Exception? lastError) =>
        $"Gave up on a {stanza.Name.LocalName} to {(string?)stanza.Attribute("to") ?? "the server"} after {attempts} attempts: each connection it was written to ended " +
        $"before the server confirmed it{(lastError is null ? "" : " (the last: " + lastError.Message.TrimEnd('.') + ")")}.";
}
