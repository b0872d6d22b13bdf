using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.ServiceDefaults.Tests.Infrastructure;

public sealed record CapturedLogEntry(string Category, LogLevel Level, string Message, Exception? Exception);

/// <summary>
/// Keeps the app's log entries in memory instead of the service's JSON console. Being an enabled logger also keeps
/// ASP.NET Core creating a request Activity, as it does in a service (trace ids come from it).
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<CapturedLogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Entries);

    public void Dispose()
    {
        // Entries stay readable after the app stops.
    }

    private sealed class Logger(string category, ConcurrentQueue<CapturedLogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new CapturedLogEntry(category, logLevel, formatter(state, exception), exception));
    }
}
