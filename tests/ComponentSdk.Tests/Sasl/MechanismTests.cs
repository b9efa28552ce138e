using System.Security.Cryptography;
using System.Text;
using ComponentSdk.Sasl;

namespace ComponentSdk.Tests.Sasl;

public class MechanismTests
{
    private static byte[] B(string text) => Encoding.UTF8.GetBytes(text);

    private static string S(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    [Test]
    public void ScramSha1MatchesRfc5802()
    {
        var scram = new ScramMechanism(HashAlgorithmName.SHA1, "user", "pencil", null, clientCanBind: false, serverOffersBinding: false, clientNonce: "fyko+d2lbbFgONRv9qkxdawL");
        Assert.That(S(scram.InitialResponse()!), Is.EqualTo("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL"));
        byte[] final = scram.Respond(B("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"));
        Assert.That(S(final), Is.EqualTo("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="));
        Assert.DoesNotThrow(() => scram.VerifySuccess(B("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=")));
    }

    [Test]
    public void ScramSha256MatchesRfc7677()
    {
        var scram = new ScramMechanism(HashAlgorithmName.SHA256, "user", "pencil", null, false, false, "rOprNGfwEbeRWgbNEkqO");
        Assert.That(S(scram.InitialResponse()!), Is.EqualTo("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"));
        byte[] final = scram.Respond(B("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
        Assert.That(S(final), Is.EqualTo("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));
        Assert.DoesNotThrow(() => scram.VerifySuccess(B("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")));
        Assert.That(scram.Name, Is.EqualTo("SCRAM-SHA-256"));
    }

    [Test]
    public void AWrongServerSignatureIsRefused()
    {
        var scram = new ScramMechanism(HashAlgorithmName.SHA1, "user", "pencil", null, false, false, "fyko+d2lbbFgONRv9qkxdawL");
        scram.InitialResponse();
        scram.Respond(B("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"));
        Assert.Throws<SaslException>(() => scram.VerifySuccess(B("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=")));
        Assert.Throws<SaslException>(() => scram.VerifySuccess([]), "no signature at all");
        Assert.Throws<SaslException>(() => scram.VerifySuccess(B("e=invalid-proof")));
    }

    [TestCase("r=someoneelse,s=QSXCR+Q6sek8bf92,i=4096", TestName = "nonce that does not extend ours")]
    [TestCase("r=abc,s=QSXCR+Q6sek8bf92,i=4096", TestName = "nonce equal to ours")]
    [TestCase("r=abcdef,s=!!!,i=4096", TestName = "salt not base64")]
    [TestCase("r=abcdef,s=QSXCR+Q6sek8bf92,i=999999999", TestName = "absurd iteration count")]
    [TestCase("r=abcdef,s=QSXCR+Q6sek8bf92,i=0", TestName = "zero iterations")]
    [TestCase("m=ext,r=abcdef,s=QSXCR+Q6sek8bf92,i=4096", TestName = "mandatory extension")]
    [TestCase("garbage", TestName = "not SCRAM at all")]
    public void AHostileServerFirstMessageIsRefused(string serverFirst)
    {
        var scram = new ScramMechanism(HashAlgorithmName.SHA1, "user", "pencil", null, false, false, "abc");
        scram.InitialResponse();
        Assert.Throws<SaslException>(() => scram.Respond(B(serverFirst)));
    }

    [Test]
    public void ChannelBindingGoesIntoTheFinalMessage()
    {
        byte[] data = [1, 2, 3, 4];
        var scram = new ScramMechanism(HashAlgorithmName.SHA256, "a,b=c", "p", new ChannelBinding("tls-unique", data), true, true, "n1");
        Assert.That(scram.Name, Is.EqualTo("SCRAM-SHA-256-PLUS"));
        Assert.That(S(scram.InitialResponse()!), Is.EqualTo("p=tls-unique,,n=a=2Cb=3Dc,r=n1"), "names are escaped");
        string final = S(scram.Respond(B("r=n1xyz,s=QSXCR+Q6sek8bf92,i=4096")));
        string c = final.Split(',')[0][2..];
        Assert.That(Convert.FromBase64String(c), Is.EqualTo((byte[])[.. B("p=tls-unique,,"), .. data]));
    }

    [TestCase(true, false, "y,,")]
    [TestCase(true, true, "n,,")]
    [TestCase(false, false, "n,,")]
    public void TheGs2FlagSaysWhetherWeCouldBind(bool clientCanBind, bool serverOffers, string header)
    {
        var scram = new ScramMechanism(HashAlgorithmName.SHA1, "u", "p", null, clientCanBind, serverOffers, "n");
        Assert.That(S(scram.InitialResponse()!), Does.StartWith(header));
    }

    [Test]
    public void DigestMd5MatchesRfc2831AndChecksRspauth()
    {
        var digest = new DigestMd5Mechanism("chris", "secret", "elwood.innosoft.com", "OA6MHXh6VqTrRk", "imap");
        Assert.That(digest.InitialResponse(), Is.Null);
        string response = S(digest.Respond(B("realm=\"elwood.innosoft.com\",nonce=\"OA6MG9tEQGm2hh\",qop=\"auth\",algorithm=md5-sess,charset=utf-8")));
        Dictionary<string, string> fields = DigestMd5Mechanism.Parse(response);
        Assert.That(fields["response"], Is.EqualTo("d388dad90d4bbd760a152321f2143af7"));
        Assert.That(fields["digest-uri"], Is.EqualTo("imap/elwood.innosoft.com"));
        Assert.That(fields["nc"], Is.EqualTo("00000001"));
        Assert.Throws<SaslException>(() => digest.Respond(B("rspauth=00000000000000000000000000000000")));
        Assert.That(digest.Respond(B("rspauth=ea40f60335c427b5527b84dbabcdfffd")), Is.Empty);
        Assert.DoesNotThrow(() => digest.VerifySuccess([]));
    }

    [Test]
    public void DigestMd5AcceptsRspauthInsideSuccessAndRefusesSuccessWithoutIt()
    {
        var digest = new DigestMd5Mechanism("chris", "secret", "elwood.innosoft.com", "OA6MHXh6VqTrRk", "imap");
        digest.Respond(B("realm=\"elwood.innosoft.com\",nonce=\"OA6MG9tEQGm2hh\",qop=\"auth\",algorithm=md5-sess,charset=utf-8"));
        Assert.DoesNotThrow(() => digest.VerifySuccess(B("rspauth=ea40f60335c427b5527b84dbabcdfffd")));

        var unverified = new DigestMd5Mechanism("chris", "secret", "elwood.innosoft.com", "OA6MHXh6VqTrRk", "imap");
        unverified.Respond(B("realm=\"elwood.innosoft.com\",nonce=\"OA6MG9tEQGm2hh\",qop=\"auth\",algorithm=md5-sess,charset=utf-8"));
        Assert.Throws<SaslException>(() => unverified.VerifySuccess([]));
    }

    [Test]
    public void PlainHasNoTrailingNewlineAndAnEmptyAuthzid()
    {
        Assert.That(new PlainMechanism("test01", "test01").InitialResponse(), Is.EqualTo(B("\0test01\0test01")));
    }
}
