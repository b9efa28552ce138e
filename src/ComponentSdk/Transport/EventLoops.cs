using DotNetty.Common;
using DotNetty.Transport.Channels;

namespace ComponentSdk.Transport;

/// <summary>
/// The event-loop group connections run on unless the caller passes one: one <see cref="InlineEventLoop"/> per core.
/// It lives as long as the process and is never shut down; its threads are background threads and do not keep the
/// process alive.
/// </summary>
internal static class EventLoops
{
    private static readonly Lazy<IEventLoopGroup> SharedGroup = new(() =>
    {
        ApplyDefaults();
        int created = 0;
        return new MultithreadEventLoopGroup(
            group => new InlineEventLoop(group, $"ComponentSdk event loop {Interlocked.Increment(ref created)}"),
            Math.Max(1, Environment.ProcessorCount));
    });

    public static IEventLoopGroup Shared => SharedGroup.Value;

    /// <summary>A group of <paramref name="loops"/> loops of the kind connections run on, for tests that need them shared.</summary>
    public static IEventLoopGroup Create(int loops)
    {
        ApplyDefaults();
        return new MultithreadEventLoopGroup(group => new InlineEventLoop(group, "ComponentSdk test event loop"), loops);
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
