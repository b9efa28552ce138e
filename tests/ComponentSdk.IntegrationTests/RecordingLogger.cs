using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ComponentSdk.IntegrationTests;

/// <summary>Keeps every log line so a test can check what was (and was not) written.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly ConcurrentQueue<string> lines = new();

    public string All => string.Join("\n", lines);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        lines.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception));
}
