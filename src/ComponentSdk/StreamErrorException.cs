using ComponentSdk.Xml;

namespace ComponentSdk;

/// <summary>The peer ended the stream with a <c>&lt;stream:error/&gt;</c> (RFC 6120 §4.9).</summary>
public sealed class StreamErrorException : XmppException
{
    /// <summary>Creates the exception.</summary>
    public StreamErrorException(StreamErrorCondition condition, string? text, string? otherHost = null)
        : base($"The server ended the stream: {condition.ToElementName()}{(text is null ? "" : " (" + text + ")")}.")
    {
        Condition = condition;
        Text = text;
        OtherHost = otherHost;
    }

    /// <summary>The stream error condition.</summary>
    public StreamErrorCondition Condition { get; }

    /// <summary>The text the peer gave, if any.</summary>
    public string? Text { get; }

    /// <summary>For <c>see-other-host</c>: where to connect instead (<c>host</c> or <c>host:port</c>).</summary>
    public string? OtherHost { get; }
}
