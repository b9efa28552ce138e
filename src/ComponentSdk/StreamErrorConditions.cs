namespace ComponentSdk;

/// <summary>Converts <see cref="StreamErrorCondition"/> values to and from their RFC 6120 element names.</summary>
public static class StreamErrorConditions
{
    private static readonly string[] Names =
    [
        "undefined-condition", "bad-format", "bad-namespace-prefix", "conflict", "connection-timeout",
        "host-gone", "host-unknown", "improper-addressing", "internal-server-error", "invalid-from",
        "invalid-namespace", "invalid-xml", "not-authorized", "not-well-formed", "policy-violation",
        "remote-connection-failed", "reset", "resource-constraint", "restricted-xml", "see-other-host",
        "system-shutdown", "unsupported-encoding", "unsupported-feature", "unsupported-stanza-type",
        "unsupported-version",
    ];

    /// <summary>Every defined condition, in declaration order.</summary>
    public static IReadOnlyList<StreamErrorCondition> All { get; } = Enum.GetValues<StreamErrorCondition>();

    /// <summary>The element name of <paramref name="condition"/>, for example <c>not-well-formed</c>.</summary>
    public static string ToElementName(this StreamErrorCondition condition) =>
        (uint)condition < (uint)Names.Length ? Names[(int)condition] : Names[0];

    /// <summary>Parses an element name; unknown names give <see cref="StreamErrorCondition.UndefinedCondition"/>.</summary>
    public static StreamErrorCondition Parse(string elementName)
    {
        int index = Array.IndexOf(Names, elementName);
        return index < 0 ? StreamErrorCondition.UndefinedCondition : (StreamErrorCondition)index;
    }
}
