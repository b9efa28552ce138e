using System.Buffers.Text;
using System.Text;

namespace ComponentSdk.LoadTest;

/// <summary>Writes the chat messages the load consists of: a fixed prefix, a decimal id, a fixed suffix with the body.</summary>
internal sealed class MessageFactory(string domain, int bodyBytes)
{
    private readonly byte[] prefix = Encoding.UTF8.GetBytes($"<message from='load@localhost' to='echo@{domain}' type='chat' id='");
    private readonly byte[] suffix = Encoding.UTF8.GetBytes("'><body>" + Body(bodyBytes) + "</body></message>");

    /// <summary>The longest message written, in bytes.</summary>
    public int MaxLength => prefix.Length + 10 + suffix.Length;

    /// <summary>Writes message <paramref name="id"/> at the start of <paramref name="destination"/>; returns its length.</summary>
    public int Write(int id, Span<byte> destination)
    {
        prefix.CopyTo(destination);
        Utf8Formatter.TryFormat(id, destination[prefix.Length..], out int digits);
        suffix.CopyTo(destination[(prefix.Length + digits)..]);
        return prefix.Length + digits + suffix.Length;
    }

    private static string Body(int length)
    {
        const string Text = "The quick brown fox jumps over the lazy dog, again and again, for as long as it takes. ";
        var body = new StringBuilder(length);
        while (body.Length < length) body.Append(Text);
        return body.ToString(0, length);
    }
}
