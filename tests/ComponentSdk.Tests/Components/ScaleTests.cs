using System.Diagnostics;
using System.Xml.Linq;
using ComponentSdk.Testing;
using ComponentSdk.Tests.Support;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Components;

/// <summary>
/// Connections on the default transport share a few event loops: a connection costs no thread. The full measurement
/// (10,000 connections, threads and RSS, the router in another process) is bench/ComponentSdk.Scale; memory per
/// stream is held down by <see cref="ComponentSdk.Tests.Xml.StreamMemoryTests"/>.
/// </summary>
[NonParallelizable]
public sealed class ScaleTests
{
    private const int Connections = 500;

    [Test]
    public async Task FiveHundredConnectionsShareTheEventLoopsThreads()
    {
        await using LoopbackRouter router = await LoopbackRouter.StartAsync();
        for (int i = 0; i < Connections; i++) router.AddComponent($"c{i}.localhost", "secret");

        // One connection first, so that what every process pays once (loops, pools, JIT) is not counted per connection.
        var components = new List<TestComponent> { await ConnectAsync(router, 0) };
        int threadsBefore = ThreadCount();
        try
        {
            for (int batch = 1; batch < Connections; batch += 100)
            {
                TestComponent[] connected = await Task.WhenAll(Enumerable.Range(batch, Math.Min(100, Connections - batch)).Select(i => ConnectAsync(router, i)));
                components.AddRange(connected);
            }
            XElement[] pongs = await Task.WhenAll(components.Select(c => c.RequestAsync(
                new XElement("iq", new XAttribute("type", "get"), new XAttribute("to", c.Options.Hostname), new XElement(XName.Get("ping", "urn:xmpp:ping"))),
                TimeSpan.FromSeconds(30))));
            Assert.That(pongs.Select(p => p.Type()), Is.All.EqualTo("result"));

            int addedThreads = ThreadCount() - threadsBefore;
            TestContext.Out.WriteLine($"{Connections} connections: {addedThreads} threads added");
            Assert.That(addedThreads, Is.LessThanOrEqualTo(2 * Environment.ProcessorCount + 8), "threads added for 500 connections");
        }
        finally
        {
            await Task.WhenAll(components.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    private static async Task<TestComponent> ConnectAsync(LoopbackRouter router, int i)
    {
        ConnectionOptions options = router.OptionsFor($"c{i}.localhost");
        options.Liveness.PingInterval = TimeSpan.Zero;
        options.Liveness.KeepAliveInterval = TimeSpan.Zero;
        var component = new TestComponent(options);
        await component.ConnectAsync();
        return component;
    }

    private static int ThreadCount()
    {
        using Process self = Process.GetCurrentProcess();
        return self.Threads.Count;
    }
}
