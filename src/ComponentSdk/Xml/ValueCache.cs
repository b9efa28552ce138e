using System.Diagnostics.CodeAnalysis;

namespace ComponentSdk.Xml;

/// <summary>
/// Reuses the strings of short values that repeat from stanza to stanza on a stream (<c>from</c>, <c>to</c>,
/// <c>type</c>, <c>xml:lang</c>), saving a UTF-8 decode and an allocation on a hit. Fixed size: new values
/// replace old ones, so memory stays bounded. Each value is first compared with the one at the same position of the
/// stanza before (<see cref="TryPredict"/>), which on a stream of stanzas of one shape spares the hash. One cache
/// serves every stream parsed on a thread (<see cref="ForThisThread"/>), like <see cref="NameCache"/>.
/// </summary>
internal sealed class ValueCache
{
    /// <summary>Longer values are decoded every time.</summary>
    public const int MaxLength = 64;

    private const int Slots = 512;
    private const int PositionSlots = 16;

    [ThreadStatic]
    private static ValueCache? forThisThread;

    private readonly Entry[] entries = new Entry[Slots];
    private readonly Entry[] byPosition = new Entry[PositionSlots];
    private int position;
    private int current;

    private struct Entry
    {
        public byte[]? Bytes;
        public string? Value;
    }

    /// <summary>The cache of the calling thread.</summary>
    public static ValueCache ForThisThread => forThisThread ??= new ValueCache();

    /// <summary>Starts a stanza: values are expected in the order of the stanza before.</summary>
    public void Restart() => position = 0;

    /// <summary>
    /// Moves on to the next value of the stanza and tries the one at the same position in the previous stanza:
    /// true when <paramref name="utf8"/> is its bytes (which then have nothing to unescape).
    /// </summary>
    public bool TryPredict(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out string? value)
    {
        current = position++ & (PositionSlots - 1);
        ref Entry predicted = ref byPosition[current];
        value = predicted.Value is not null && utf8.SequenceEqual(predicted.Bytes) ? predicted.Value : null;
        return value is not null;
    }

    /// <summary>
    /// The string for <paramref name="utf8"/>, which must have nothing to unescape; invalid UTF-8 throws. Becomes
    /// the prediction for the current position.
    /// </summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxLength) return Utf8Text.Decode(utf8);
        ref Entry entry = ref entries[ByteHash.Of(utf8) & (Slots - 1)];
        if (entry.Value is null || !utf8.SequenceEqual(entry.Bytes))
            entry = new Entry { Bytes = utf8.ToArray(), Value = Utf8Text.Decode(utf8) };
        byPosition[current] = entry;
        return entry.Value;
    }
}
