using System.Text;

namespace ComponentSdk.Sasl;

/// <summary>PLAIN (RFC 4616): the password itself, so only over TLS unless the application allows otherwise.</summary>
internal sealed class PlainMechanism(string username, string password) : ISaslMechanism
{
    public string Name => "PLAIN";

    public byte[]? InitialResponse() => Encoding.UTF8.GetBytes("\0" + username + "\0" + password);

    public byte[] Respond(byte[] challenge) => throw new SaslException("PLAIN has no challenges.");

    public void VerifySuccess(byte[] additionalData)
    {
    }
}
