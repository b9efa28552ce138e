namespace ComponentSdk.Testing;

/// <summary>What the router does when a second connection authenticates for a domain that is already connected.</summary>
public enum ConflictPolicy
{
    /// <summary>Refuse the new connection with a <c>conflict</c> stream error (Prosody's default).</summary>
    RejectNew,

    /// <summary>Accept the new connection and end the old one with <c>conflict</c> (Prosody's <c>kick_old</c>).</summary>
    ReplaceOld,

    /// <summary>Keep both; stanzas for the domain go to the most recent one (ejabberd keeps both too).</summary>
    AllowBoth,
}
