namespace ComponentSdk.Sasl;

/// <summary>The server's side of a SASL exchange is malformed or failed verification (a forged or wrong server signature).</summary>
internal sealed class SaslException(string message) : Exception(message);
