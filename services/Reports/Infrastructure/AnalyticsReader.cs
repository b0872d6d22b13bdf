using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Reports.Infrastructure;

/// <summary>One hour of a channel's metrics as analytics' internal hourly endpoint answers it.</summary>
public sealed record HourlyMetrics(DateTimeOffset Hour, long Views, long Reactions, long Forwards, long Posts, long Joins, long Leaves, long? Subscribers);

/// <summary>analytics' answer for a channel's hours in [from, to).</summary>
public sealed record HourlySeries(Guid ChannelId, string Title, IReadOnlyList<HourlyMetrics> Hours);

/// <summary>The totals of a channel's live summary, as a shared dashboard shows them.</summary>
public sealed record SummaryTotals(long Views, long Reactions, long Forwards, long Posts, long Joins, long Leaves);

/// <summary>A channel's current summary (analytics' internal summary endpoint): what a dashboard share shows, nothing more.</summary>
public sealed record ChannelSummary(
    Guid ChannelId, string Title, string Period, DateTimeOffset From, DateTimeOffset To, SummaryTotals Totals, long? Subscribers,
    long SubscriberGrowth, double EngagementRate, double PostsPerDay);

/// <summary>analytics said the channel is unknown or not that owner's (404).</summary>
public sealed class ChannelNotFoundException(Guid channelId) : Exception($"Channel {channelId} is not known to analytics as this owner's.")
{
    public Guid ChannelId { get; } = channelId;
}

/// <summary>
/// Reads analytics' internal endpoints through invocation on this app's own sidecar (the owner id goes along: analytics answers
/// 404 for a channel that is not that owner's). Any other failure is an <see cref="HttpRequestException"/> the caller may retry.
/// </summary>
public sealed class AnalyticsReader(AppInvocationClients invocation)
{
    public const string AppId = "analytics";

    public async Task<HourlySeries> HourlyAsync(Guid channelId, Guid ownerId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var path = string.Create(CultureInfo.InvariantCulture,
            $"internal/analytics/channels/{channelId}/hourly?from={Uri.EscapeDataString(from.ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(to.ToString("O", CultureInfo.InvariantCulture))}&ownerId={ownerId}");
        return await GetAsync<HourlySeries>(channelId, path, ct);
    }

    public Task<ChannelSummary> SummaryAsync(Guid channelId, Guid ownerId, CancellationToken ct) =>
        GetAsync<ChannelSummary>(channelId, $"internal/analytics/channels/{channelId}/summary?ownerId={ownerId}", ct);

    private async Task<T> GetAsync<T>(Guid channelId, string path, CancellationToken ct)
    {
        using var answer = await invocation.For(AppId).GetAsync(path, ct);
        if (answer.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ChannelNotFoundException(channelId);
        }

        if (!answer.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"analytics answered {(int)answer.StatusCode}.", null, answer.StatusCode);
        }

        return await answer.Content.ReadFromJsonAsync<T>(JsonSerializerOptions.Web, ct)
            ?? throw new HttpRequestException("analytics answered no body.");
    }
}
