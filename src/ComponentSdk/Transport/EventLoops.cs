using DotNetty.Common;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Transport;

/// <summary>
/// The event-loop groups connections run on unless the caller passes one: DotNetty's own loops, one per core, shared
/// by every <see cref="TransportMode.Shared"/> connection of the process; and, for <see cref="TransportMode.Dedicated"/>
/// connections, one <see cref="InlineEventLoop"/> per core. They live as long as the process and are never shut down;
/// their threads are background threads and do not keep the process alive.
/// </summary>
internal static class EventLoops
{
    private static readonly Lazy<IEventLoopGroup> SharedGroup = new(() =>
    {
        ApplyDefaults();
        return new MultithreadEventLoopGroup(Math.Max(1, Environment.ProcessorCount));
    });

    private static readonly Lazy<IEventLoopGroup> DedicatedGroup = new(() => Create(Math.Max(1, Environment.ProcessorCount)));

    /// <summary>The loops of <see cref="TransportMode.Shared"/> connections.</summary>
    public static IEventLoopGroup Shared => SharedGroup.Value;

    /// <summary>The loops a connection of <paramref name="mode"/> runs on (Dedicated only where its channel exists).</summary>
    public static IEventLoopGroup For(TransportMode mode) =>
        mode == TransportMode.Dedicated && BlockingSocketChannel.IsSupported ? DedicatedGroup.Value : SharedGroup.Value;

    /// <summary>A group of <paramref name="loops"/> inline loops, for dedicated connections or tests that need them shared.</summary>
    public static IEventLoopGroup Create(int loops)
    {
        ApplyDefaults();
        int created = 0;
        return new MultithreadEventLoopGroup(group => new InlineEventLoop(group, $"ComponentSdk event loop {Interlocked.Increment(ref created)}"), loops);
    }

    /// <summary>
    /// DotNetty samples buffers for leak detection by default, which costs a stack trace per sample; a component
    /// process turns it off unless the usual system property is set in the environment.
    /// </summary>
    public static void ApplyDefaults()
    {
        if (Environment.GetEnvironmentVariable("io.netty.leakDetection.level") is null
            && Environment.GetEnvironmentVariable("io.netty.leakDetectionLevel") is null)
        {
            ResourceLeakDetector.Level = ResourceLeakDetector.DetectionLevel.Disabled;
        }
    }
}
