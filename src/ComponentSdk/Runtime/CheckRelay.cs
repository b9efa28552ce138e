using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.Runtime;

/// <summary>
/// Several processes can serve one component domain (ejabberd accepts several XEP-0114 connections for it and hands
/// each stanza to one of them at random). A delivery check or liveness ping that one of them addresses to the domain
/// may then reach another. That one sends it back to the domain unchanged, instead of answering it, until it reaches
/// the process that sent it: the server had processed everything that process sent before the check when it first
/// routed it, so the check still proves what it should, and nobody waits for an answer that went elsewhere.
/// </summary>
internal sealed class CheckRelay
{
    /// <summary>How often one check is sent back before it is given up on (its sender then times out as before).</summary>
    private const int MaxRelays = 16;

    private const int Remembered = 4096;

    private readonly Dictionary<string, int> relayed = new(StringComparer.Ordinal);

    /// <summary>
    /// On the event loop: true when <paramref name="stanza"/> is another process's check or ping to our own domain,
    /// which <paramref name="relay"/> then sends back to it (at most <see cref="MaxRelays"/> times per check).
    /// </summary>
    public bool TryRelay(XElement stanza, Jid? self, Action<XElement> relay)
    {
        if (self is null || stanza.Name.LocalName != "iq" || stanza.Type() != "get" || stanza.Id() is not { } id || !IsCheckId(id)
            || !Jid.SameAddress(stanza.From(), self.ToString()) || !Jid.SameAddress(stanza.To(), self.Domain)) return false;
        if (relayed.Count >= Remembered) relayed.Clear();
        int times = relayed.GetValueOrDefault(id) + 1;
        relayed[id] = times;
        if (times <= MaxRelays) relay(new XElement(stanza));
        return true;
    }

    /// <summary>The ids of delivery checks (<c>b-</c>, 16 hex digits, <c>-</c>, a number) and of liveness pings (<c>liveness-</c>, 16 hex digits).</summary>
    private static bool IsCheckId(string id)
    {
        if (id.StartsWith("liveness-", StringComparison.Ordinal)) return id.Length == 25 && IsHex(id.AsSpan(9));
        return id.Length > 19 && id.StartsWith("b-", StringComparison.Ordinal) && IsHex(id.AsSpan(2, 16)) && id[18] == '-'
            && id.AsSpan(19).IndexOfAnyExceptInRange('0', '9') < 0;
    }

    private static bool IsHex(ReadOnlySpan<char> text) => text.IndexOfAnyExcept("0123456789abcdef") < 0;
}
