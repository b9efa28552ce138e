using System.Text;

namespace ComponentSdk.Benchmarks;

/// <summary>
/// A stream of chat messages like those a component sees: about 300 bytes each, four attributes and
/// <c>xml:lang</c>, non-ASCII body text, one in five with entities, a thread and two namespaced children.
/// </summary>
internal static class StanzaCorpus
{
    public const string Header = "<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' from='echo.localhost' id='bench'>";

    private static readonly string[] Words = ["hello", "component", "caf\u00e9", "na\u00efve", "\u20ac20", "stanza", "router", "\u00fcber", "ping", "echo", "\u65e5\u672c"];

    public static string Message(int i)
    {
        var body = new StringBuilder();
        var random = new Random(i);
        while (body.Length < 110) body.Append(Words[random.Next(Words.Length)]).Append(' ');
        if (i % 5 == 0) body.Append("&amp; &lt;3 &quot;x&quot;");
        return $"<message from='alice@localhost/laptop' to='echo@echo.localhost' type='chat' id='m{i:D6}' xml:lang='en'>" +
               $"<body>{body}</body><thread>t{i % 100}</thread>" +
               "<active xmlns='http://jabber.org/protocol/chatstates'/><request xmlns='urn:xmpp:receipts'/></message>";
    }

    /// <summary>The UTF-8 bytes of <paramref name="count"/> messages (no header).</summary>
    public static byte[] Messages(int count)
    {
        var text = new StringBuilder();
        for (int i = 0; i < count; i++) text.Append(Message(i));
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
