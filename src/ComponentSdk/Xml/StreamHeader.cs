namespace ComponentSdk.Xml;

/// <summary>The attributes of a <c>&lt;stream:stream&gt;</c> opening tag (RFC 6120 §4.7).</summary>
public sealed record StreamHeader
{
    /// <summary>The stream id, set by the receiving entity.</summary>
    public string? Id { get; init; }

    /// <summary>The <c>from</c> attribute.</summary>
    public string? From { get; init; }

    /// <summary>The <c>to</c> attribute.</summary>
    public string? To { get; init; }

    /// <summary>The <c>version</c> attribute, for example <c>1.0</c>; null on pre-XMPP streams.</summary>
    public string? Version { get; init; }

    /// <summary>The <c>xml:lang</c> attribute.</summary>
    public string? Language { get; init; }

    /// <summary>The default (content) namespace of the stream, for example <c>jabber:client</c>.</summary>
    public string DefaultNamespace { get; init; } = Namespaces.Client;

    private static readonly IReadOnlyDictionary<string, string> DefaultPrefixes =
        new Dictionary<string, string> { ["stream"] = Namespaces.Streams };

    /// <summary>The namespace of the stream element itself, normally <see cref="Namespaces.Streams"/>.</summary>
    public string StreamNamespace { get; init; } = Namespaces.Streams;

    /// <summary>
    /// The prefix bindings the header declares, for example <c>stream</c> and, on server streams, <c>db</c>.
    /// When writing a header, <c>stream</c> is always bound to <see cref="StreamNamespace"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string> Prefixes { get; init; } = DefaultPrefixes;

    /// <summary>True when <see cref="Version"/> is 1.0 or later, i.e. the peer sends stream features.</summary>
    public bool IsXmpp1 => Version is { } v && System.Version.TryParse(v, out var parsed) && parsed.Major >= 1;
}
