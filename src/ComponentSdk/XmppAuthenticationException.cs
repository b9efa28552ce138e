namespace ComponentSdk;

/// <summary>
/// The server refused to authenticate us: a wrong component secret, bad credentials, a name another connection
/// holds. A permanent failure: trying again with the same settings will not help.
/// </summary>
public sealed class XmppAuthenticationException : XmppException
{
    /// <summary>Creates the exception.</summary>
    public XmppAuthenticationException(string condition, string? text, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Condition = condition;
        Text = text;
    }

    /// <summary>The condition the server gave, for example <c>not-authorized</c> or <c>conflict</c>.</summary>
    public string Condition { get; }

    /// <summary>The human-readable text the server gave, if any.</summary>
    public string? Text { get; }
}
