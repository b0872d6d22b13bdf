using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprPlatform.Analytics.Features;

public sealed record BestTimeResponse(
    Guid ChannelId,
    IReadOnlyList<PostingSlot> Slots,
    double MeanViewsPerPost,
    int TotalPosts,
    DateTimeOffset HistoryFrom,
    DateTimeOffset HistoryTo,
    bool Cached);

/// <summary>
/// GET /api/analytics/channels/{id}/best-time?top=3 — the hours of the week (UTC) whose posts drew the most views per post,
/// with the expected lift over the channel's mean, from the hourly rollups of posts and views, ranked by the <c>ml</c> app.
/// 422 when ml says there are too few posts (its minimums are in the problem); 503 with Retry-After while ml is unavailable.
/// </summary>
public static class GetBestTime
{
    public const int MaxTop = 24;

    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapGet("/best-time", HandleAsync).WithName("GetChannelBestTime");

    public static async Task<Results<Ok<BestTimeResponse>, ValidationProblem, NotFoundProblem, UnprocessableProblem, BadGatewayProblem, RetryLaterProblem>> HandleAsync(
        Guid id, string? top, [AsParameters] PredictionRequest prediction, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        var errors = new ValidationErrors();
        var count = Predictions.ParseWholeNumber("top", top, 3, 1, MaxTop, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (await prediction.ReadableHistoryAsync(id, ct) is not { } series)
        {
            return ChannelReadAccess.NotFound(id);
        }

        if (series.Count == 0)
        {
            return Predictions.NoHistory();
        }

        // Every hour goes, with or without posts: ml decides whether there are enough posts and says what it needs.
        var body = new { series = series.Select(h => new { at = h.Hour, posts = h.Posts, views = h.Views }), top = count };
        return await prediction.AskAsync<MlBestTime, BestTimeResponse>("best-time", body, Predictions.CacheKey("best-time", id, $"t{count}", series),
            (best, cached) => new BestTimeResponse(id, best.Slots, best.MeanEngagementPerPost, best.TotalPosts, series[0].Hour, series[^1].Hour, cached),
            ct);
    }
}
