namespace ComponentSdk;

/// <summary>
/// <c>SendAsync</c> refused a stanza larger than <see cref="LimitOptions.MaxOutgoingStanzaBytes"/>: servers end
/// the stream of a peer that sends one over their limit, so it would never arrive. Nothing was sent.
/// </summary>
public sealed class StanzaTooLargeToSendException : XmppException
{
    /// <summary>Creates the exception.</summary>
    public StanzaTooLargeToSendException(int size, int limit)
        : base($"The stanza is {size} bytes, over MaxOutgoingStanzaBytes ({limit}): servers refuse stanzas over their limit (often 256 KiB or less), so it was not sent.")
    {
        Size = size;
        Limit = limit;
    }

    /// <summary>The stanza's size in bytes of UTF-8.</summary>
    public int Size { get; }

    /// <summary>The limit it went over.</summary>
    public int Limit { get; }
}
