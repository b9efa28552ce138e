namespace ComponentSdk.Privileges;

/// <summary>
/// The component asked to do something as a privileged entity (XEP-0356) that the server has not granted it; nothing
/// was sent. The message says what is missing and where it is configured.
/// </summary>
public sealed class PrivilegeNotGrantedException : XmppException
{
    /// <summary>Creates the exception.</summary>
    public PrivilegeNotGrantedException(string message) : base(message) { }
}
