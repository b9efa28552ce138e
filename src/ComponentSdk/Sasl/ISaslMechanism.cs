namespace ComponentSdk.Sasl;

/// <summary>One SASL mechanism's side of an exchange (RFC 4422): bytes in, bytes out; XMPP framing is elsewhere.</summary>
internal interface ISaslMechanism
{
    /// <summary>The registered name, for example <c>SCRAM-SHA-256-PLUS</c>.</summary>
    string Name { get; }

    /// <summary>
    /// True when answering a challenge may take long (SCRAM derives its key with as many iterations as the server
    /// asks): the answer is then computed off the event loop.
    /// </summary>
    bool RespondsSlowly => false;

    /// <summary>The initial response sent with <c>&lt;auth/&gt;</c>, or null for none.</summary>
    byte[]? InitialResponse();

    /// <summary>The response to a server challenge.</summary>
    /// <exception cref="SaslException">The challenge is malformed or fails verification.</exception>
    byte[] Respond(byte[] challenge);

    /// <summary>Checks the additional data of the server's <c>&lt;success/&gt;</c> (the server's proof, where the mechanism has one).</summary>
    /// <exception cref="SaslException">The server did not prove it knows the password.</exception>
    void VerifySuccess(byte[] additionalData);
}
