using System.Buffers;

namespace ComponentSdk.Xml;

/// <summary>Byte-level character classes of XML 1.0, shared by the framer, the parser and the writer.</summary>
internal static class XmlChars
{
    /// <summary>C0 controls that XML 1.0 does not allow anywhere (everything below 0x20 but TAB, LF, CR).</summary>
    public static readonly SearchValues<byte> ForbiddenControlBytes = SearchValues.Create(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 0x0B, 0x0C, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F]);

    /// <summary>What ends a run of bytes inside a start tag when outside a quoted value.</summary>
    public static readonly SearchValues<byte> TagDelimiters = SearchValues.Create("<>\"'/"u8);

    /// <summary>The longest entity or character reference accepted, <c>&amp;</c> and <c>;</c> included.</summary>
    public const int MaxReferenceLength = 64;

    private static readonly byte[] NameClass = BuildNameClass();

    private const byte NameStart = 1;
    private const byte NamePart = 2;

    public static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    /// <summary>True for bytes that may start an XML name: ASCII letters, '_', ':' and any non-ASCII byte (checked later).</summary>
    public static bool IsNameStartByte(byte b) => (NameClass[b] & NameStart) != 0;

    /// <summary>True for bytes that may continue an XML name.</summary>
    public static bool IsNameByte(byte b) => (NameClass[b] & NamePart) != 0;

    /// <summary>True when <paramref name="c"/> is a Char in the sense of XML 1.0 §2.2.</summary>
    public static bool IsXmlChar(int c) =>
        c is 0x9 or 0xA or 0xD or (>= 0x20 and <= 0xD7FF) or (>= 0xE000 and <= 0xFFFD) or (>= 0x10000 and <= 0x10FFFF);

    /// <summary>Outcome of looking at an entity or character reference.</summary>
    public enum Reference
    {
        /// <summary>More bytes are needed to decide.</summary>
        Incomplete,
        /// <summary>A predefined entity or a character reference to a legal character.</summary>
        Valid,
        /// <summary>A well-formed reference to an entity that XMPP does not define (restricted-xml).</summary>
        Undefined,
        /// <summary>Not a reference at all: not well-formed.</summary>
        Malformed,
    }

    /// <summary>
    /// Looks at the reference starting at <paramref name="text"/>[0] == '&amp;'. On <see cref="Reference.Valid"/>,
    /// <paramref name="length"/> is its length including '&amp;' and ';' and <paramref name="codePoint"/> the character.
    /// </summary>
    public static Reference CheckReference(ReadOnlySpan<byte> text, out int length, out int codePoint)
    {
        length = 0;
        codePoint = 0;
        int limit = Math.Min(text.Length, MaxReferenceLength);
        if (limit < 2) return Reference.Incomplete;
        if (text[1] == (byte)'#') return CheckCharacterReference(text, limit, out length, out codePoint);

        if (!IsNameStartByte(text[1]) || text[1] == (byte)':') return Reference.Malformed;
        for (int i = 2; i < limit; i++)
        {
            byte b = text[i];
            if (b == (byte)';')
            {
                length = i + 1;
                codePoint = PredefinedEntity(text[1..i]);
                return codePoint == 0 ? Reference.Undefined : Reference.Valid;
            }
            if (!IsNameByte(b)) return Reference.Malformed;
        }
        return limit == MaxReferenceLength ? Reference.Undefined : Reference.Incomplete;
    }

    private static Reference CheckCharacterReference(ReadOnlySpan<byte> text, int limit, out int length, out int codePoint)
    {
        length = 0;
        codePoint = 0;
        bool hex = limit > 2 && text[2] == (byte)'x';
        int start = hex ? 3 : 2;
        long value = 0;
        for (int i = start; i < limit; i++)
        {
            byte b = text[i];
            if (b == (byte)';')
            {
                if (i == start || !IsXmlChar((int)value)) return Reference.Malformed;
                length = i + 1;
                codePoint = (int)value;
                return Reference.Valid;
            }
            int digit = HexValue(b);
            if (digit < 0 || (!hex && digit > 9)) return Reference.Malformed;
            value = value * (hex ? 16 : 10) + digit;
            if (value > 0x10FFFF) return Reference.Malformed;
        }
        return limit == MaxReferenceLength ? Reference.Malformed : Reference.Incomplete;
    }

    private static int PredefinedEntity(ReadOnlySpan<byte> name) => name switch
    {
        [(byte)'l', (byte)'t'] => '<',
        [(byte)'g', (byte)'t'] => '>',
        [(byte)'a', (byte)'m', (byte)'p'] => '&',
        [(byte)'a', (byte)'p', (byte)'o', (byte)'s'] => '\'',
        [(byte)'q', (byte)'u', (byte)'o', (byte)'t'] => '"',
        _ => 0,
    };

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static byte[] BuildNameClass()
    {
        var table = new byte[256];
        for (int b = 0; b < 256; b++)
        {
            bool start = b is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or '_' or ':' or >= 0x80;
            bool part = start || b is >= '0' and <= '9' or '-' or '.';
            table[b] = (byte)((start ? NameStart : 0) | (part ? NamePart : 0));
        }
        return table;
    }
}
