using System.Diagnostics.CodeAnalysis;

namespace ComponentSdk;

/// <summary>
/// An XMPP address, <c>local@domain/resource</c> (RFC 7622). Parsing checks the structure, the lengths, and the
/// characters each part may not contain: whitespace and <c>"&amp;'/:&lt;&gt;@</c> in the local part, anything but a host
/// name or an IP literal in the domain, control characters anywhere. It does not apply the PRECIS profiles
/// (case folding and normalization).
/// </summary>
public sealed record Jid
{
    private const int MaxPartBytes = 1023;

    /// <summary>Creates a JID from its parts.</summary>
    public Jid(string? local, string domain, string? resource = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(domain);
        Local = string.IsNullOrEmpty(local) ? null : local;
        Domain = domain;
        Resource = string.IsNullOrEmpty(resource) ? null : resource;
    }

    /// <summary>The part before '@', or null.</summary>
    public string? Local { get; }

    /// <summary>The domain part.</summary>
    public string Domain { get; }

    /// <summary>The part after '/', or null.</summary>
    public string? Resource { get; }

    /// <summary>This JID without its resource.</summary>
    public Jid Bare => Resource is null ? this : new Jid(Local, Domain);

    /// <summary>True when there is no resource.</summary>
    public bool IsBare => Resource is null;

    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/> when it is not a JID.</summary>
    public static Jid Parse(string text) =>
        TryParse(text, out Jid? jid) ? jid : throw new FormatException($"'{text}' is not a valid JID.");

    /// <summary>Parses <paramref name="text"/> when it is a JID.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out Jid? jid)
    {
        jid = null;
        if (string.IsNullOrEmpty(text)) return false;
        int slash = text.IndexOf('/');
        string addr = slash < 0 ? text : text[..slash];
        string? resource = slash < 0 ? null : text[(slash + 1)..];
        int at = addr.IndexOf('@');
        string? local = at < 0 ? null : addr[..at];
        string domain = at < 0 ? addr : addr[(at + 1)..];
        if (domain.Length == 0 || domain.Contains('@') || local?.Length == 0 || resource?.Length == 0) return false;
        if (TooLong(local) || TooLong(domain) || TooLong(resource)) return false;
        if (local is not null && local.AsSpan().IndexOfAny(ForbiddenInLocal) >= 0) return false;
        if (!IsDomain(domain) || (resource is not null && resource.AsSpan().IndexOfAnyInRange('\0', '\u001F') >= 0)) return false;
        jid = new Jid(local, domain, resource);
        return true;
    }

    /// <summary>
    /// True when <paramref name="a"/> and <paramref name="b"/> are the same address: the local part and the domain
    /// compared without case (as nodeprep and domain names fold it), the resource exactly. False when either is not a JID.
    /// </summary>
    internal static bool SameAddress(string? a, string? b)
    {
        if (string.Equals(a, b, StringComparison.Ordinal)) return a is not null;
        return TryParse(a, out Jid? x) && TryParse(b, out Jid? y)
            && string.Equals(x.Local, y.Local, StringComparison.OrdinalIgnoreCase)
            && string.Equals(x.Domain.TrimEnd('.'), y.Domain.TrimEnd('.'), StringComparison.OrdinalIgnoreCase)
            && string.Equals(x.Resource, y.Resource, StringComparison.Ordinal);
    }

    /// <summary>RFC 7622 §3.3.1 and PRECIS IdentifierClass: no whitespace, no control characters, none of <c>"&amp;'/:&lt;&gt;@</c>.</summary>
    private static readonly System.Buffers.SearchValues<char> ForbiddenInLocal =
        System.Buffers.SearchValues.Create("\"&'/:<>@ \t\r\n\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\u007F\u00A0\u2028\u2029\u3000");

    /// <summary>A host name (labels of letters, digits and hyphens, any script; a final dot allowed) or an IP literal.</summary>
    private static bool IsDomain(string domain)
    {
        if (domain.StartsWith('[')) return domain.EndsWith(']') && System.Net.IPAddress.TryParse(domain[1..^1], out _);
        string name = domain.EndsWith('.') ? domain[..^1] : domain;
        if (name.Length == 0) return false;
        foreach (string label in name.Split('.'))
        {
            if (label.Length is 0 or > 63 || label.StartsWith('-') || label.EndsWith('-')) return false;
            foreach (char c in label)
            {
                if (!(char.IsLetterOrDigit(c) || c == '-' || c == '_' || char.IsSurrogate(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark)) return false;
            }
        }
        return true;
    }

    private static bool TooLong(string? part) => part is not null && System.Text.Encoding.UTF8.GetByteCount(part) > MaxPartBytes;

    /// <inheritdoc />
    public override string ToString() =>
        (Local is null ? "" : Local + "@") + Domain + (Resource is null ? "" : "/" + Resource);

    /// <summary>The string form.</summary>
    public static implicit operator string(Jid jid) => jid.ToString();
}
