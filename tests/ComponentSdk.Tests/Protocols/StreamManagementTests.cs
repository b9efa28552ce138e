using System.Xml.Linq;
using ComponentSdk.Protocols.Client;
using ComponentSdk.Transport;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Protocols;

/// <summary>XEP-0198 on a Client login against a scripted server: enabling, acks both ways, resuming, and refusals.</summary>
public class StreamManagementTests
{
    private const string Header = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0' from='localhost' id='s{0}'>";
    private const string Sasl = "urn:ietf:params:xml:ns:xmpp-sasl";
    private const string Sm = "urn:xmpp:sm:3";
    private const string BindFeatures = $"<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><sm xmlns='{Sm}'/></stream:features>";

    private static StageHarness LoggedIn(Action<ConnectionOptions>? configure = null, StreamManagementSession? resumable = null)
    {
        var options = new ConnectionOptions
        {
            Host = "127.0.0.1", Port = 5222, Hostname = "localhost", Password = "alicepw", ConnectionType = ConnectionType.Client,
            Login = { Username = "alice", Resource = "r", AllowPlaintextWithoutTls = true }, Tls = { Mode = TlsPolicy.Optional },
        };
        configure?.Invoke(options);
        var h = new StageHarness(options, c => new ClientNegotiation(c), resumable);
        h.Receive(string.Format(Header, 1) + $"<stream:features><mechanisms xmlns='{Sasl}'><mechanism>PLAIN</mechanism></mechanisms></stream:features>");
        h.Receive($"<success xmlns='{Sasl}'/>");
        h.Sent();
        return h;
    }

    /// <summary>Bound, with stream management enabled as the server answered <paramref name="enabled"/>.</summary>
    private static StageHarness Enabled(Action<ConnectionOptions>? configure = null, string enabled = $"<enabled xmlns='{Sm}' id='sm-1' resume='true' max='300'/>")
    {
        StageHarness h = LoggedIn(configure);
        h.Receive(string.Format(Header, 2) + BindFeatures);
        h.Receive("<iq type='result' id='bind-1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>alice@localhost/r</jid></bind></iq>");
        h.Sent();
        h.Receive(enabled);
        return h;
    }

    [Test]
    public void AfterBindingStreamManagementIsEnabledWithResumptionBeforeTheSessionIsReady()
    {
        StageHarness h = LoggedIn(o => o.StreamManagement.MaxResumeTime = TimeSpan.FromSeconds(90));
        h.Receive(string.Format(Header, 2) + BindFeatures);
        h.Sent();
        h.Receive("<iq type='result' id='bind-1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>alice@localhost/r</jid></bind></iq>");
        Assert.That(h.Sent(), Is.EqualTo($"<enable xmlns='{Sm}' resume='true' max='90'/>"));
        Assert.That(h.Observer.Established, Is.Null, "not ready before the server answers");

        h.Receive($"<enabled xmlns='{Sm}' id='sm-1' resume='true' max='300'/>");
        SessionEstablished established = h.Observer.Established!;
        Assert.That(established.StreamManagement!.Id, Is.EqualTo("sm-1"));
        Assert.That(established.StreamManagement.Window, Is.EqualTo(TimeSpan.FromSeconds(300)));
        Assert.That(established.Resumed, Is.False);
        Assert.That(h.Context.StreamManagement, Is.SameAs(established.StreamManagement));
        ConnectionStatusEventArgs status = h.Observer.Statuses.Single(s => s.Status == ConnectionStatus.StreamManagementEnabled);
        Assert.That(status.Detail, Is.EqualTo("resumable for 300 s"));
    }

    [Test]
    public void WithoutTheFeatureOrWhenTurnedOffNothingIsEnabled()
    {
        StageHarness offered = LoggedIn(o => o.StreamManagement.Enabled = false);
        offered.Receive(string.Format(Header, 2) + BindFeatures);
        offered.Sent();
        offered.Receive("<iq type='result' id='bind-1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>alice@localhost/r</jid></bind></iq>");
        Assert.That(offered.Sent(), Is.Empty);
        Assert.That(offered.Observer.Established!.StreamManagement, Is.Null);

        StageHarness notOffered = LoggedIn();
        notOffered.Receive(string.Format(Header, 2) + "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>");
        notOffered.Sent();
        notOffered.Receive("<iq type='result' id='bind-1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>alice@localhost/r</jid></bind></iq>");
        Assert.That(notOffered.Sent(), Is.Empty);
        Assert.That(notOffered.Observer.Established!.StreamManagement, Is.Null);
    }

    [Test]
    public void ARefusedEnableLeavesAWorkingSessionWithoutIt()
    {
        StageHarness h = Enabled(enabled: $"<failed xmlns='{Sm}'><unexpected-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>");
        Assert.That(h.Observer.Established!.Jid.ToString(), Is.EqualTo("alice@localhost/r"));
        Assert.That(h.Observer.Established.StreamManagement, Is.Null);
        Assert.That(h.Context.CloseReason, Is.Null);
    }

    [Test]
    public void TheServersRequestsAreAnsweredWithTheCountOfStanzasReceived()
    {
        StageHarness h = Enabled();
        h.Receive("<message from='bob@localhost/x' to='alice@localhost/r'><body>1</body></message><presence from='bob@localhost/x'/>");
        h.Receive($"<r xmlns='{Sm}'/>");
        Assert.That(h.Sent(), Is.EqualTo($"<a xmlns='{Sm}' h='2'/>"));
        h.Receive($"<iq type='get' id='p' from='localhost'><ping xmlns='urn:xmpp:ping'/></iq><r xmlns='{Sm}'/>");
        Assert.That(h.Sent(), Is.EqualTo($"<a xmlns='{Sm}' h='3'/>"));
        Assert.That(h.Observer.Stanzas.Select(s => s.Name.LocalName), Is.EqualTo(new[] { "message", "presence", "iq" }), "acks are not stanzas for the handlers");
    }

    [Test]
    public void OurStanzasAreKeptUntilAcknowledgedAndAnAckIsRequestedEveryFewStanzas()
    {
        StageHarness h = Enabled(o => o.StreamManagement.AckEvery = 2);
        StreamManagementSession session = h.Context.StreamManagement!;
        for (int i = 1; i <= 3; i++) h.Channel.WriteAndFlushAsync(new XElement("message", new XAttribute("to", "bob@localhost"), new XElement("body", i)));
        h.Channel.RunPendingTasks();
        string sent = h.Sent();
        Assert.That(sent, Is.EqualTo($"<message to='bob@localhost'><body>1</body></message><message to='bob@localhost'><body>2</body></message><r xmlns='{Sm}'/><message to='bob@localhost'><body>3</body></message>"));
        Assert.That(session.UnackedCount, Is.EqualTo(3));

        h.Receive($"<a xmlns='{Sm}' h='2'/>");
        Assert.That(session.UnackedCount, Is.EqualTo(1));
        Assert.That(session.Acknowledged, Is.EqualTo(2u));
        Assert.That(h.Observer.Stanzas, Is.Empty);
    }

    [Test]
    public void AQuietStreamAsksForAnAckShortlyAfterItsLastStanza()
    {
        StageHarness h = Enabled(o => o.StreamManagement.AckDelay = TimeSpan.FromMilliseconds(20));
        h.Channel.WriteAndFlushAsync(new XElement("presence"));
        Assert.That(h.Sent(), Is.EqualTo("<presence/>"));
        Thread.Sleep(100); // past the delay: the scheduled request is due
        h.Channel.RunScheduledPendingTasks();
        Assert.That(h.Sent(), Is.EqualTo($"<r xmlns='{Sm}'/>"));
    }

    [Test]
    public void ALostSessionIsResumedInsteadOfBindingAndKeepsItsAddress()
    {
        var previous = new StreamManagementSession(Jid.Parse("alice@localhost/r"), "sm-1", TimeSpan.FromSeconds(300));
        for (int i = 0; i < 5; i++) previous.OnReceived();
        previous.OnSent(new XElement("message", new XAttribute("id", "m1")));
        previous.OnSent(new XElement("message", new XAttribute("id", "m2")));
        List<XElement> unacked = previous.TakeUnacked();

        StageHarness h = LoggedIn(resumable: previous);
        h.Receive(string.Format(Header, 2) + BindFeatures);
        Assert.That(h.Sent(), Is.EqualTo($"<resume xmlns='{Sm}' h='5' previd='sm-1'/>"), "no bind");
        h.Receive($"<resumed xmlns='{Sm}' h='1' previd='sm-1'/>");

        SessionEstablished established = h.Observer.Established!;
        Assert.That(established.Resumed, Is.True);
        Assert.That(established.ResumedAt, Is.EqualTo(1u));
        Assert.That(established.Jid.ToString(), Is.EqualTo("alice@localhost/r"));
        Assert.That(previous.Resumed(1).Select(s => s.Id()), Is.EqualTo(new[] { "m1" }), "the first of the two had arrived");
        Assert.That(unacked, Has.Count.EqualTo(2));
    }

    [Test]
    public void ARefusedResumptionBindsANewSessionAndEnablesAgain()
    {
        var previous = new StreamManagementSession(Jid.Parse("alice@localhost/r"), "sm-1", TimeSpan.FromSeconds(300));
        previous.TakeUnacked();
        StageHarness h = LoggedIn(resumable: previous);
        h.Receive(string.Format(Header, 2) + BindFeatures);
        h.Sent();
        h.Receive($"<failed xmlns='{Sm}' h='0'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>");
        Assert.That(h.Sent(), Is.EqualTo("<iq type='set' id='bind-1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>r</resource></bind></iq>"));
        Assert.That(previous.RefusedBecause, Is.EqualTo("the server answered item-not-found"));
        Assert.That(previous.CanResume, Is.False);

        h.Receive("<iq type='result' id='bind-1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>alice@localhost/r</jid></bind></iq>");
        Assert.That(h.Sent(), Is.EqualTo($"<enable xmlns='{Sm}' resume='true'/>"));
        h.Receive($"<enabled xmlns='{Sm}' id='sm-2' resume='true'/>");
        Assert.That(h.Observer.Established!.Resumed, Is.False);
        Assert.That(h.Observer.Established.StreamManagement!.Id, Is.EqualTo("sm-2"));
    }

    [Test]
    public void ASessionWhoseWindowPassedIsNotOfferedForResumption()
    {
        var previous = new StreamManagementSession(Jid.Parse("alice@localhost/r"), "sm-1", TimeSpan.FromSeconds(1));
        previous.TakeUnacked();
        Thread.Sleep(1100);
        StageHarness h = LoggedIn(resumable: previous);
        h.Receive(string.Format(Header, 2) + BindFeatures);
        Assert.That(h.Sent(), Does.StartWith("<iq type='set' id='bind-1'>"));
    }
}
