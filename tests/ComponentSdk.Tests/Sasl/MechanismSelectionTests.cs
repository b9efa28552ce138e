using ComponentSdk.Sasl;

namespace ComponentSdk.Tests.Sasl;

public class MechanismSelectionTests
{
    private static readonly string[] Ejabberd = ["DIGEST-MD5", "PLAIN", "SCRAM-SHA-512-PLUS", "SCRAM-SHA-512", "SCRAM-SHA-256-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-1", "X-OAUTH2"];

    private static SaslCredentials Over(bool tls, Dictionary<string, byte[]>? bindings = null) =>
        new("alice", "pw", "localhost") { TlsActive = tls, Bindings = bindings ?? new Dictionary<string, byte[]>() };

    [Test]
    public void TheStrongestOfferedIsChosenWhateverTheServersOrder()
    {
        Assert.That(SaslMechanismFactory.Choose(Ejabberd, Over(true), out _)!.Name, Is.EqualTo("SCRAM-SHA-512"));
        Assert.That(SaslMechanismFactory.Choose(["PLAIN", "SCRAM-SHA-1"], Over(true), out _)!.Name, Is.EqualTo("SCRAM-SHA-1"));
    }

    [Test]
    public void PlusIsChosenWhenTheTlsLayerGivesABindingBothSidesKnow()
    {
        var bindings = new Dictionary<string, byte[]> { ["tls-unique"] = [1], ["tls-server-end-point"] = [2] };
        Assert.That(SaslMechanismFactory.Choose(Ejabberd, Over(true, bindings), out _)!.Name, Is.EqualTo("SCRAM-SHA-512-PLUS"));
        SaslCredentials xep0440 = Over(true, bindings) with { ServerBindingTypes = ["tls-exporter"] };
        Assert.That(SaslMechanismFactory.Choose(Ejabberd, xep0440, out _)!.Name, Is.EqualTo("SCRAM-SHA-512"), "no type in common");
    }

    [Test]
    public void UnderTls13WithoutTlsUniqueAServerOfferingPlusGetsScramWithTheNFlag()
    {
        // Under TLS 1.3 the TLS layer gives no tls-unique (RFC 9266); ejabberd advertises no other type (no XEP-0440).
        var tls13 = new Dictionary<string, byte[]> { ["tls-server-end-point"] = [2] };
        ISaslMechanism chosen = SaslMechanismFactory.Choose(Ejabberd, Over(true, tls13), out _)!;
        Assert.That(chosen.Name, Is.EqualTo("SCRAM-SHA-512"));
        Assert.That(System.Text.Encoding.UTF8.GetString(chosen.InitialResponse()!), Does.StartWith("n,,"),
            "'n': the server offered -PLUS, so 'y' would read as a downgrade");

        SaslCredentials endPoint = Over(true, tls13) with { ServerBindingTypes = ["tls-server-end-point"] };
        Assert.That(SaslMechanismFactory.Choose(Ejabberd, endPoint, out _)!.Name, Is.EqualTo("SCRAM-SHA-512-PLUS"), "tls-server-end-point where advertised");
        Assert.That(System.Text.Encoding.UTF8.GetString(SaslMechanismFactory.Choose(["SCRAM-SHA-1"], Over(true, tls13), out _)!.InitialResponse()!),
            Does.StartWith("y,,"), "'y': we could bind, the server offered no -PLUS");
    }

    [Test]
    public void PlainIsRefusedWithoutTlsUnlessAllowed()
    {
        Assert.That(SaslMechanismFactory.Choose(["PLAIN"], Over(false), out string reason), Is.Null);
        Assert.That(reason, Does.Contain("AllowPlaintextWithoutTls"));
        Assert.That(SaslMechanismFactory.Choose(["PLAIN"], Over(false) with { AllowPlaintextWithoutTls = true }, out _)!.Name, Is.EqualTo("PLAIN"));
    }

    [Test]
    public void ThePreferenceCanBeChanged()
    {
        SaslCredentials digestFirst = Over(true) with { Preference = ["DIGEST-MD5", "PLAIN"] };
        Assert.That(SaslMechanismFactory.Choose(Ejabberd, digestFirst, out _)!.Name, Is.EqualTo("DIGEST-MD5"));
        Assert.That(SaslMechanismFactory.Choose(["X-OAUTH2"], Over(true), out string reason), Is.Null);
        Assert.That(reason, Does.Contain("X-OAUTH2"));
    }
}
