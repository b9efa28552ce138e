namespace ComponentSdk.Registration;

/// <summary>What the component decided about a registration: accepted, or refused with an error condition.</summary>
public sealed class RegistrationResult
{
    private RegistrationResult(string? condition, string? text)
    {
        Condition = condition;
        Text = text;
    }

    /// <summary>Accepted.</summary>
    public static RegistrationResult Accepted { get; } = new(null, null);

    /// <summary>Null when accepted; otherwise the stanza error condition, such as <c>conflict</c>.</summary>
    public string? Condition { get; }

    /// <summary>Why it was refused, in words, for the registrant.</summary>
    public string? Text { get; }

    /// <summary>True when accepted.</summary>
    public bool IsAccepted => Condition is null;

    /// <summary>
    /// Refused (XEP-0077 §3.1): <c>conflict</c> (the name is taken), <c>not-acceptable</c> (something is missing or
    /// wrong), <c>not-allowed</c> (registration is closed) or <c>forbidden</c>; <paramref name="text"/> says why.
    /// </summary>
    public static RegistrationResult Refuse(string condition, string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(condition);
        ArgumentException.ThrowIfNullOrEmpty(text);
        return new RegistrationResult(condition, text);
    }
}
