using System.Buffers;
using System.Text.Json;
using DaprPlatform.Analytics.Domain;

namespace DaprPlatform.Benchmarks.EndToEnd;

/// <summary>One request body for POST /api/channels/{id}/metrics, serialized before the clock starts, and what it adds.</summary>
public sealed record MetricBatch(int Channel, int Samples, byte[] Body, MetricCounts Adds);

/// <summary>
/// Builds batches of counter samples (the subscriber gauge is left out: it does not show in the totals the run waits
/// for). Every sample id is unique in the run, so the analytics actor's duplicate check must let each one through.
/// </summary>
public sealed class MetricBatches(string runTag, Random random)
{
    private long _nextSample;

    public MetricBatch Build(int channel, int count, DateTimeOffset now, TimeSpan spreadBack)
    {
        var buffer = new ArrayBufferWriter<byte>(count * 96);
        var adds = default(MetricCounts);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("samples");
            for (var i = 0; i < count; i++)
            {
                var kind = PickKind();
                var value = kind == MetricKind.Views ? random.Next(1, 500) : random.Next(0, 20);
                var at = now - TimeSpan.FromMilliseconds(random.NextDouble() * spreadBack.TotalMilliseconds);
                json.WriteStartObject();
                json.WriteString("id", $"bench-{runTag}-{_nextSample++}");
                json.WriteString("kind", WireName(kind));
                json.WriteNumber("value", value);
                json.WriteString("at", at);
                json.WriteEndObject();
                adds.Add(kind, value);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return new MetricBatch(channel, count, buffer.WrittenSpan.ToArray(), adds);
    }

    /// <summary>The kind as the metrics endpoint spells it: "views", "reactions", …</summary>
    private static string WireName(MetricKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>Views dominate a channel's activity.</summary>
    private MetricKind PickKind() => random.Next(100) switch
    {
        < 70 => MetricKind.Views,
        < 85 => MetricKind.Reactions,
        < 92 => MetricKind.Forwards,
        < 96 => MetricKind.Posts,
        < 99 => MetricKind.Joins,
        _ => MetricKind.Leaves,
    };
}
