namespace ComponentSdk.Tests;

public class StatusNameTests
{
    [Test]
    public void EveryPcjStatusHasItsNameAndMapsBack()
    {
        var pcj = Enum.GetValues<ConnectionStatus>().Where(s => s.ToPcjName() is not null).ToList();
        Assert.That(pcj, Has.Count.EqualTo(28));
        foreach (ConnectionStatus status in pcj) Assert.That(ConnectionStatuses.FromPcjName(status.ToPcjName()!), Is.EqualTo(status));
        Assert.That(ConnectionStatus.StreamStart.ToPcjName(), Is.EqualTo("PCJ_STREAMSTART"));
        Assert.That(ConnectionStatuses.FromPcjName("PCJ_STEAMSTART"), Is.EqualTo(ConnectionStatus.StreamStart), "PCJ 3.00's misspelt event string");
        Assert.That(ConnectionStatus.RequestStart.ToPcjName(), Is.EqualTo("PCJ_RTS_START"));
        Assert.That(ConnectionStatus.StreamError.ToPcjName(), Is.Null);
    }

    [TestCase("XMPP", ConnectionType.Client)]
    [TestCase("legacy", ConnectionType.Legacy)]
    [TestCase("JABBERD14_COMPONENT", ConnectionType.Accept)]
    [TestCase("accept", ConnectionType.Accept)]
    [TestCase("JABBERD20_COMPONENT", ConnectionType.Jabberd2)]
    [TestCase("4", ConnectionType.Client)]
    public void PcjConnectionTypeNamesAreAccepted(string name, ConnectionType expected)
    {
        Assert.That(Enum.Parse<ConnectionType>(name, ignoreCase: true), Is.EqualTo(expected));
    }
}
