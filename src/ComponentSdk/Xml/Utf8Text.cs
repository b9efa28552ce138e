using System.Buffers;
using System.Text.Unicode;

namespace ComponentSdk.Xml;

/// <summary>
/// UTF-8 to string in one pass that also validates: invalid UTF-8 from the peer is caught where it is decoded,
/// not in a separate pass over every frame.
/// </summary>
internal static class Utf8Text
{
    private const int StackLimit = 256;

    /// <summary>Decodes <paramref name="utf8"/>, throwing <see cref="MalformedXmlException"/> when it is not UTF-8.</summary>
    public static string Decode(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty) return string.Empty;
        if (utf8.Length <= StackLimit)
        {
            Span<char> chars = stackalloc char[StackLimit];
            return new string(chars[..Transcode(utf8, chars)]);
        }

        char[] rented = ArrayPool<char>.Shared.Rent(utf8.Length);
        try
        {
            return new string(rented, 0, Transcode(utf8, rented));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>Transcodes into <paramref name="chars"/> (at least as long as <paramref name="utf8"/>); returns the count.</summary>
    public static int Transcode(ReadOnlySpan<byte> utf8, Span<char> chars)
    {
        OperationStatus status = Utf8.ToUtf16(utf8, chars, out _, out int written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done) throw new MalformedXmlException("The stream is not valid UTF-8.");
        return written;
    }
}
