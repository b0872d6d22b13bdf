using Dapr.Actors;
using DaprPlatform.Analytics.Contracts;
using DaprPlatform.Analytics.Domain;

namespace DaprPlatform.Analytics.Actors;

/// <summary>One actor per channel (actor id = channel id) holding its live metrics.</summary>
public interface IChannelMetrics : IActor
{
    Task<IngestResult> IngestAsync(ChannelMetricsBatch batch);

    /// <summary>The last <paramref name="minutes"/> minutes (1–1440).</summary>
    Task<RealtimeView> GetRealtimeAsync(int minutes);

    /// <summary>The last <paramref name="hours"/> hours of hourly buckets (1–720): 24, 168 or 720 for 24h/7d/30d.</summary>
    Task<SummaryView> GetSummaryAsync(int hours);

    Task<InsightsView> GetInsightsAsync();
}

/// <summary>How one batch was taken in.</summary>
public sealed record IngestResult(int Accepted, int Duplicates, int TooOld, int InFuture, int Invalid);
