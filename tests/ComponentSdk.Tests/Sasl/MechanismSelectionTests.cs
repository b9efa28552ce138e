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
