using System.Collections.Concurrent;

namespace DaprPlatform.Conformance.SdkApp;

/// <summary>One thing the app observed: a delivered event, an actor turn, an activity attempt.</summary>
public sealed record Observation(string Body, string? ContentType, IReadOnlyDictionary<string, string> Headers, DateTimeOffset At);

/// <summary>What the app observed, per channel, in arrival order; the suite reads it through GET /test/records/{channel}.</summary>
public sealed class Recorder
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Observation>> _channels = new(StringComparer.Ordinal);

    public void Add(string channel, string body, string? contentType = null, IReadOnlyDictionary<string, string>? headers = null) =>
        _channels.GetOrAdd(channel, _ => new ConcurrentQueue<Observation>())
            .Enqueue(new Observation(body, contentType, headers ?? new Dictionary<string, string>(), DateTimeOffset.UtcNow));

    public IReadOnlyList<Observation> Read(string channel) =>
        _channels.TryGetValue(channel, out var queue) ? [.. queue] : [];

    /// <summary>Records a delivered request: its body, content type and the headers the suite checks.</summary>
    public async Task RecordRequestAsync(string channel, HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        var headers = request.Headers
            .Where(h => h.Key.StartsWith("Cloudevent.", StringComparison.OrdinalIgnoreCase)
                || h.Key.Equals("dapr-api-token", StringComparison.OrdinalIgnoreCase)
                || h.Key.Equals("traceparent", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        Add(channel, body, request.ContentType, headers);
    }
}
