namespace ComponentSdk.LoadTest;

/// <summary>The outcome of one measured run.</summary>
internal sealed record LoadResult(int Window, int Messages, TimeSpan Elapsed, double P50Micros, double P99Micros, double P999Micros,
    double ComponentCpuMicrosPerMessage, double ToolCpuShare)
{
    public double MessagesPerSecond => Messages / Elapsed.TotalSeconds;
}
