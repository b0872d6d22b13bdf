using System.Globalization;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Web.Infrastructure.Services;

namespace DaprPlatform.Web.Features.Channels;

/// <summary>A registered channel as the channels app answers it (<c>ChannelResponse</c>).</summary>
/// <param name="Status">active, or paused (no numbers are taken in) with <paramref name="PausedReason"/>, e.g. plan-limit after a downgrade.</param>
public sealed record OwnedChannel(
    Guid Id, long TelegramChatId, string? Username, string Title, Guid OwnerId, int Subscribers, DateTimeOffset CreatedAt,
    string? Status = null, string? PausedReason = null, DateTimeOffset? PausedAt = null)
{
    public const string PlanLimitReason = "plan-limit";

    public bool IsPaused => Status == "paused" || PausedReason is not null;

    /// <summary>Why it is paused, as the owner reads it.</summary>
    public string PausedText => PausedReason switch
    {
        PlanLimitReason => "Paused: your plan allows fewer channels than you have, so this one's numbers are not collected.",
        null => "Paused.",
        var other => $"Paused ({other}).",
    };

    /// <summary>"@name" for a public channel, the chat id otherwise.</summary>
    public string Handle => Username ?? TelegramChatId.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Counter totals of a window (analytics' <c>TotalsResponse</c>).</summary>
public sealed record MetricTotals(long Views, long Reactions, long Forwards, long Posts, long Joins, long Leaves);

/// <summary>The counters of one minute, <see cref="At"/> its start (UTC).</summary>
public sealed record MinuteCounts(DateTimeOffset At, long Views, long Reactions, long Forwards, long Posts, long Joins, long Leaves);

/// <summary>The last N minutes of a channel: <c>/realtime</c>'s answer and every <c>realtime</c> event of <c>/live</c>.</summary>
public sealed record RealtimeView(Guid ChannelId, DateTimeOffset From, DateTimeOffset To, MetricTotals Totals, long? Subscribers, double EngagementRate, IReadOnlyList<MinuteCounts> PerMinute);

/// <summary><c>/summary?period=24h|30d</c>: totals and derived metrics over hourly buckets.</summary>
public sealed record ChannelSummary(
    Guid ChannelId, string Period, DateTimeOffset From, DateTimeOffset To, MetricTotals Totals, long? Subscribers, long SubscriberGrowth, double EngagementRate, double PostsPerDay);

public sealed record ViewsTrend(string Direction, double SlopePerHour, int Hours);

/// <summary>An hour of the day in UTC and how posts made in it did.</summary>
public sealed record PostingHour(int HourOfDay, long Posts, double ViewsPerPost);

/// <summary>An hour whose views sat far from the recent median (robust z-score <see cref="Score"/>).</summary>
public sealed record ViewsAnomaly(DateTimeOffset Hour, long Views, double Median, double Score, DateTimeOffset DetectedAt);

public sealed record ChannelInsights(Guid ChannelId, ViewsTrend Trend, IReadOnlyList<PostingHour> BestPostingHours, IReadOnlyList<ViewsAnomaly> Anomalies);

/// <summary>One hour of a forecast: the expected views and the prediction interval around them.</summary>
public sealed record ForecastPoint(DateTimeOffset At, double Value, double Lower, double Upper);

/// <summary>How ml's previous forecast for the channel did on the hours since it was issued (ADR 0037).</summary>
/// <param name="WeightedAbsolutePercentageError">The errors summed over the views summed; null when those hours had no views.</param>
/// <param name="IntervalCoverage">The share of hours whose views fell inside the interval.</param>
public sealed record ForecastAccuracy(
    DateTimeOffset IssuedAt, double Interval, int HoursForecast, int HoursCompared, double MeanAbsoluteError, double? WeightedAbsolutePercentageError, double IntervalCoverage);

/// <summary>analytics' <c>/forecast</c>: views per hour for the next <see cref="HorizonHours"/> hours, computed by the ml app.</summary>
/// <param name="Interval">The prediction intervals' coverage (0.8 for 80 %).</param>
/// <param name="Accuracy">The previous forecast's score, when ml issued one for the channel before.</param>
public sealed record ChannelForecast(
    Guid ChannelId, int HorizonHours, double Interval, string Model, DateTimeOffset HistoryFrom, DateTimeOffset HistoryTo, IReadOnlyList<ForecastPoint> Points,
    ForecastAccuracy? Accuracy, bool Cached);

/// <summary>An hour of the week (UTC) whose posts drew the most views; <see cref="ExpectedLift"/> 0.25 is 25 % above the channel's mean.</summary>
public sealed record PostingSlot(string DayOfWeek, int Hour, int HourOfWeek, int Posts, double EngagementPerPost, double ExpectedLift);

/// <summary>analytics' <c>/best-time</c>: the best hours of the week to post.</summary>
public sealed record BestPostingTimes(
    Guid ChannelId, IReadOnlyList<PostingSlot> Slots, double MeanViewsPerPost, int TotalPosts, DateTimeOffset HistoryFrom, DateTimeOffset HistoryTo, bool Cached);

/// <summary>
/// A sample as the metrics intake takes it (<c>samples[]</c> of <c>POST /api/channels/{id}/metrics</c>); a missing value goes
/// as null for the service to name.
/// </summary>
public sealed record MetricSample(string Id, string Kind, long? Value, DateTimeOffset At);

public sealed record SamplesAccepted(int Accepted);

/// <summary>
/// The channel owner's calls: the channels app (register, list, remove, post samples) and analytics (realtime, live stream,
/// summaries, insights), through this app's sidecar as the signed-in person. Both services answer 404 for a channel the
/// person does not own.
/// </summary>
public sealed class ChannelsClient(ServiceCalls services)
{
    public const string ChannelsApp = "channels";
    public const string AnalyticsApp = "analytics";

    /// <summary>The minutes the live chart shows.</summary>
    public const int LiveMinutes = 60;

    /// <summary>The forecast's horizon: the next 7 days.</summary>
    public const int ForecastHours = 7 * 24;

    /// <summary>How many of the best posting times the dashboard lists.</summary>
    public const int BestSlots = 3;

    /// <summary>Enough for everyone's few channels on one page; the service caps a page at 100.</summary>
    private const int PageSize = 100;

    public Task<ApiResult<PagedResponse<OwnedChannel>>> ListAsync(CancellationToken ct) =>
        services.GetAsync<PagedResponse<OwnedChannel>>(ChannelsApp, $"api/channels?pageSize={PageSize}", ct);

    public Task<ApiResult<OwnedChannel>> GetAsync(Guid id, CancellationToken ct) =>
        services.GetAsync<OwnedChannel>(ChannelsApp, $"api/channels/{id}", ct);

    public Task<ApiResult<OwnedChannel>> RegisterAsync(string telegram, CancellationToken ct) =>
        services.SendAsync<OwnedChannel>(HttpMethod.Post, ChannelsApp, "api/channels", new { telegram }, ct);

    public Task<ApiResult> RemoveAsync(Guid id, CancellationToken ct) =>
        services.SendAsync(HttpMethod.Delete, ChannelsApp, $"api/channels/{id}", body: null, ct);

    public Task<ApiResult<SamplesAccepted>> PostSampleAsync(Guid id, MetricSample sample, CancellationToken ct) =>
        services.SendAsync<SamplesAccepted>(HttpMethod.Post, ChannelsApp, $"api/channels/{id}/metrics", new { samples = new[] { sample } }, ct);

    public Task<ApiResult<RealtimeView>> GetRealtimeAsync(Guid id, int minutes, CancellationToken ct) =>
        services.GetAsync<RealtimeView>(AnalyticsApp, $"{AnalyticsPath(id)}/realtime?minutes={minutes.ToString(CultureInfo.InvariantCulture)}", ct);

    /// <param name="period">24h, 7d or 30d.</param>
    public Task<ApiResult<ChannelSummary>> GetSummaryAsync(Guid id, string period, CancellationToken ct) =>
        services.GetAsync<ChannelSummary>(AnalyticsApp, $"{AnalyticsPath(id)}/summary?period={Uri.EscapeDataString(period)}", ct);

    public Task<ApiResult<ChannelInsights>> GetInsightsAsync(Guid id, CancellationToken ct) =>
        services.GetAsync<ChannelInsights>(AnalyticsApp, $"{AnalyticsPath(id)}/insights", ct);

    /// <summary>The next week's views per hour (422 too little history, 503 with Retry-After while the ml app is down).</summary>
    public Task<ApiResult<ChannelForecast>> GetForecastAsync(Guid id, CancellationToken ct) =>
        services.GetAsync<ChannelForecast>(AnalyticsApp, $"{AnalyticsPath(id)}/forecast?horizon={ForecastHours.ToString(CultureInfo.InvariantCulture)}", ct);

    public Task<ApiResult<BestPostingTimes>> GetBestTimeAsync(Guid id, CancellationToken ct) =>
        services.GetAsync<BestPostingTimes>(AnalyticsApp, $"{AnalyticsPath(id)}/best-time?top={BestSlots.ToString(CultureInfo.InvariantCulture)}", ct);

    /// <summary>The Server-Sent Events stream of realtime views; the caller reads and disposes the response.</summary>
    public Task<(HttpResponseMessage? Response, ApiProblem? Problem)> OpenLiveAsync(Guid id, CancellationToken ct) =>
        services.OpenStreamAsync(AnalyticsApp, $"{AnalyticsPath(id)}/live?minutes={LiveMinutes.ToString(CultureInfo.InvariantCulture)}", ct);

    private static string AnalyticsPath(Guid id) => $"api/analytics/channels/{id}";
}

public static class ChannelFeatures
{
    public static IServiceCollection AddChannelFeatures(this IServiceCollection services) => services.AddScoped<ChannelsClient>();
}
