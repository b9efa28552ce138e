using ComponentSdk.Forms;

namespace ComponentSdk.Registration;

/// <summary>What a component asks of registrants and what it does with their registrations.</summary>
public sealed class RegistrationOptions
{
    /// <summary>
    /// The form registrants fill in (type <see cref="FormType.Form"/>). Fields named as XEP-0077's legacy fields
    /// (<c>username</c>, <c>password</c>, <c>email</c>...) are offered to older clients as those fields too.
    /// </summary>
    public required DataForm Form { get; init; }

    /// <summary>Instructions shown above the form.</summary>
    public string? Instructions { get; init; }

    /// <summary>Decides about a valid submission: store it and accept, or refuse.</summary>
    public required Func<RegistrationRequest, CancellationToken, ValueTask<RegistrationResult>> Register { get; init; }

    /// <summary>
    /// The registration a registrant (by bare JID) has, as the form filled in with its values, or null when it has
    /// none; shown in answers to a registered user. Without it, nobody is shown as registered.
    /// </summary>
    public Func<Jid, CancellationToken, ValueTask<DataForm?>>? Find { get; init; }

    /// <summary>Removes a registrant's registration (by bare JID); false when there was none. Without it, cancelling is not allowed.</summary>
    public Func<Jid, CancellationToken, ValueTask<bool>>? Unregister { get; init; }
}
