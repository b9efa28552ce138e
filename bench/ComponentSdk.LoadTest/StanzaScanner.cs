namespace ComponentSdk.LoadTest;

/// <summary>
/// Finds top-level element boundaries in the component's output, byte by byte, without parsing XML: enough for
/// a load generator, cheap enough that the generator is not the bottleneck. An element split across reads is kept
/// and scanned again when the rest arrives.
/// </summary>
internal sealed class StanzaScanner
{
    private byte[] pending = new byte[1 << 16];
    private int pendingLength;
    private bool inStream;

    /// <summary>Appends received bytes and calls <paramref name="onStanza"/> for each complete top-level element.</summary>
    public void Feed(ReadOnlySpan<byte> received, StanzaHandler onStanza)
    {
        if (pendingLength + received.Length > pending.Length)
            Array.Resize(ref pending, Math.Max(pending.Length * 2, pendingLength + received.Length));
        received.CopyTo(pending.AsSpan(pendingLength));
        pendingLength += received.Length;

        int consumed = 0, depth = 0, start = 0, i = 0;
        while (i < pendingLength)
        {
            int lt = pending.AsSpan(i, pendingLength - i).IndexOf((byte)'<');
            if (lt < 0)
            {
                if (depth == 0) consumed = pendingLength; // whitespace between stanzas
                break;
            }
            lt += i;
            int gt = TagEnd(lt + 1);
            if (gt < 0) break;
            byte first = pending[lt + 1];
            i = gt + 1;
            if (depth == 0 && (first == (byte)'?' || (!inStream && StartsWith(lt, "<stream:stream"u8))))
            {
                inStream |= first != (byte)'?';
                consumed = i;
                continue;
            }
            if (depth == 0) start = lt;
            if (first == (byte)'/') depth--;
            else if (pending[gt - 1] != (byte)'/') depth++;
            if (depth == 0)
            {
                onStanza(pending.AsSpan(start, i - start));
                consumed = i;
            }
            else if (depth < 0)
            {
                depth = 0; // </stream:stream>
                inStream = false;
                consumed = i;
            }
        }
        pending.AsSpan(consumed, pendingLength - consumed).CopyTo(pending);
        pendingLength -= consumed;
    }

    private bool StartsWith(int at, ReadOnlySpan<byte> prefix) =>
        pendingLength - at >= prefix.Length && pending.AsSpan(at, prefix.Length).SequenceEqual(prefix);

    /// <summary>The index of the '>' ending the tag that starts at <paramref name="from"/>, skipping quoted values; -1 when not yet received.</summary>
    private int TagEnd(int from)
    {
        byte quote = 0;
        for (int i = from; i < pendingLength; i++)
        {
            byte b = pending[i];
            if (quote != 0)
            {
                if (b == quote) quote = 0;
            }
            else if (b is (byte)'\'' or (byte)'"') quote = b;
            else if (b == (byte)'>') return i;
        }
        return -1;
    }
}

/// <summary>Receives one complete top-level element; the span is valid only during the call.</summary>
internal delegate void StanzaHandler(ReadOnlySpan<byte> stanza);
