using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ComponentSdk.Tests.Support;

/// <summary>Keeps every log line (with the exception text) so tests can look at what was written.</summary>
internal sealed class RecordingLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, EventId Id, string Text)> Lines { get; } = new();

    public string All => string.Join("\n", Lines.Select(l => l.Text));

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    /// <summary>The lowest level recorded (and reported enabled). Debug by default, like a development console.</summary>
    public LogLevel MinimumLevel { get; init; } = LogLevel.Debug;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= MinimumLevel;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel)) Lines.Enqueue((logLevel, eventId, formatter(state, exception) + (exception is null ? "" : "\n" + exception)));
    }
}
