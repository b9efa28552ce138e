namespace ComponentSdk.Xml;

/// <summary>
/// Reuses the strings of short values that repeat from stanza to stanza on a stream (<c>from</c>, <c>to</c>,
/// <c>type</c>, <c>xml:lang</c>), saving a UTF-8 decode and an allocation on a hit. Fixed size: new values
/// replace old ones, so memory stays bounded.
/// </summary>
internal sealed class ValueCache
{
    /// <summary>Longer values are decoded every time.</summary>
    public const int MaxLength = 64;

    private const int Slots = 512;

    private readonly Entry[] entries = new Entry[Slots];

    private struct Entry
    {
        public byte[]? Bytes;
        public string? Value;
    }

    /// <summary>The string for <paramref name="utf8"/>, which must have nothing to unescape; invalid UTF-8 throws.</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxLength) return Utf8Text.Decode(utf8);
        ref Entry entry = ref entries[ByteHash.Of(utf8) & (Slots - 1)];
        if (entry.Value is not null && utf8.SequenceEqual(entry.Bytes)) return entry.Value;

        string value = Utf8Text.Decode(utf8);
        entry = new Entry { Bytes = utf8.ToArray(), Value = value };
        return value;
    }
}
