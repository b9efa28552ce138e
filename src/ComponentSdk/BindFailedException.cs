namespace ComponentSdk;

/// <summary>
/// The jabberd2 router refused to bind a name: <c>409</c> (bound by another connection, or the default route is
/// taken), <c>403</c> (the router user may not bind it), <c>400</c> (no or an invalid name). Permanent: retrying
/// the same bind gives the same answer until the other side lets go.
/// </summary>
public sealed class BindFailedException : XmppException
{
    /// <summary>Creates the exception.</summary>
    public BindFailedException(string name, int code)
        : base($"The router refused to bind '{name}': {code} {Describe(code)}.")
    {
        Name = name;
        Code = code;
    }

    /// <summary>The name that was to be bound.</summary>
    public string Name { get; }

    /// <summary>The router's code: 400, 403, 404 or 409.</summary>
    public int Code { get; }

    private static string Describe(int code) => code switch
    {
        400 => "(bad request: the name is missing or invalid)",
        403 => "(forbidden: this router user may not bind it)",
        404 => "(not found)",
        409 => "(conflict: the name is already bound, or a default route exists)",
        _ => "(refused)",
    };
}
