using System.Globalization;

namespace ComponentSdk.Xml;

/// <summary>
/// A stanza to be sent contains a character that XML 1.0 does not allow (a C0 control other than TAB, LF and
/// CR, an unpaired surrogate, U+FFFE or U+FFFF). Nothing of the stanza was written.
/// </summary>
public sealed class InvalidXmlCharacterException : ArgumentException
{
    /// <summary>Creates the exception for the offending UTF-16 code unit.</summary>
    public InvalidXmlCharacterException(char character)
        : base($"U+{((int)character).ToString("X4", CultureInfo.InvariantCulture)} cannot be sent: XML 1.0 does not allow this character.")
        => Character = character;

    /// <summary>The offending UTF-16 code unit.</summary>
    public char Character { get; }
}
