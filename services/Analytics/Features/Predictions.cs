using System.Globalization;
using System.Reflection;
using System.Security.Claims;
using DaprPlatform.Analytics.Domain;
using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Analytics.Features;

/// <summary>One hour ahead as ml forecasts it: the expected views and the prediction interval around them.</summary>
public sealed record ForecastPoint(DateTimeOffset At, double Value, double Lower, double Upper);

/// <summary>
/// How the forecast ml issued earlier for the channel did on the hours that have happened since (ADR 0037): WAPE is the
/// absolute errors summed over the views summed (null when those hours had no views); coverage is the share of hours whose
/// views fell inside the interval, which should be near <see cref="Interval"/>.
/// </summary>
public sealed record ForecastAccuracy(
    DateTimeOffset IssuedAt,
    double Interval,
    int HoursForecast,
    int HoursCompared,
    double MeanAbsoluteError,
    double? WeightedAbsolutePercentageError,
    double IntervalCoverage);

/// <summary>ml's answer to POST /forecast.</summary>
public sealed record MlForecast(IReadOnlyList<ForecastPoint> Points, string Model, double Interval, int HorizonHours, ForecastAccuracy? Accuracy);

/// <summary>An hour of the week (UTC) to post in, and how much more engagement per post it is expected to bring.</summary>
public sealed record PostingSlot(string DayOfWeek, int Hour, int HourOfWeek, int Posts, double EngagementPerPost, double ExpectedLift);

/// <summary>ml's answer to POST /best-time.</summary>
public sealed record MlBestTime(IReadOnlyList<PostingSlot> Slots, double MeanEngagementPerPost, int TotalPosts);

/// <summary>What both prediction endpoints are given (bound with [AsParameters]): who asks, the history, the way to ml.</summary>
public sealed record PredictionRequest(ClaimsPrincipal User, AnalyticsDbContext Db, HourlyHistory History, MlApp Ml, IOptions<PredictionOptions> Options)
{
    /// <summary>The channel's recent complete hours, or null when the caller may not read the channel (answered 404).</summary>
    public async Task<IReadOnlyList<HourlyActivity>?> ReadableHistoryAsync(Guid id, CancellationToken ct) =>
        await ChannelReadAccess.FindReadableAsync(Db, id, User, ct) is null ? null : await History.ReadAsync(id, ct);

    /// <summary>Asks ml (or the cache) and answers: 200 with <paramref name="answer"/>, 422, 502 or 503 with Retry-After.</summary>
    public async Task<Results<Ok<TResponse>, ValidationProblem, NotFoundProblem, UnprocessableProblem, BadGatewayProblem, RetryLaterProblem>> AskAsync<TMl, TResponse>(
        string method, object body, string cacheKey, Func<TMl, bool, TResponse> answer, CancellationToken ct)
        where TMl : class
    {
        ArgumentNullException.ThrowIfNull(answer);
        return await Ml.AskAsync<TMl>(method, body, cacheKey, ct) switch
        {
            MlOutcome<TMl>.Answered a => TypedResults.Ok(answer(a.Value, a.Cached)),
            MlOutcome<TMl>.TooLittleHistory t => Predictions.TooLittleHistory(t.Detail, t.Extensions),
            MlOutcome<TMl>.Refused r => Predictions.Refused(r.Detail),
            _ => new RetryLaterProblem(Options.Value.RetryAfter, "The forecasting service is unavailable; try again shortly."),
        };
    }
}

/// <summary>The answers both prediction endpoints share.</summary>
public static class Predictions
{
    /// <summary>ml's 400 for a history too short, or analytics' own check: 422 saying what is needed.</summary>
    public static UnprocessableProblem TooLittleHistory(string detail, IReadOnlyDictionary<string, object?> extensions) =>
        new(detail, "The channel's history is too short.", extensions: new Dictionary<string, object?>(extensions, StringComparer.Ordinal));

    public static UnprocessableProblem TooLittleHistory(int availableHours, int requiredHours)
    {
        var message = $"At least {requiredHours} complete hours ({requiredHours / 24} days) of history are needed; the channel has {availableHours}.";
        return TooLittleHistory(message, new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["errors"] = new Dictionary<string, string[]>(StringComparer.Ordinal) { ["history"] = [message] },
            ["requiredHours"] = requiredHours,
            ["availableHours"] = availableHours,
        });
    }

    public static UnprocessableProblem NoHistory()
    {
        const string message = "The channel has no complete hour of history yet.";
        return TooLittleHistory(message, new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["errors"] = new Dictionary<string, string[]>(StringComparer.Ordinal) { ["history"] = [message] },
            ["availableHours"] = 0,
        });
    }

    public static BadGatewayProblem Refused(string what) =>
        new($"The forecasting service could not use the channel's history ({what}).");

    /// <summary>Reads <c>?name=</c> as a whole number in [<paramref name="min"/>, <paramref name="max"/>], or a field error.</summary>
    public static int ParseWholeNumber(string name, string? raw, int fallback, int min, int max, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrEmpty(raw))
        {
            return fallback;
        }

        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            errors.Add(name, $"{name} must be a whole number from {min} to {max}.");
            return fallback;
        }

        return value;
    }

    /// <summary>The state-store key of an answer: the channel, what was asked and the history it was computed from.</summary>
    public static string CacheKey(string method, Guid channelId, string parameters, IReadOnlyList<HourlyActivity> history) =>
        $"ml-{method}-{channelId:N}-{parameters}-{ChannelHistory.Watermark(history)}";
}

/// <summary>503 problem details with <c>Retry-After</c> (whole seconds): a dependency is down, the caller may come back.</summary>
public sealed class RetryLaterProblem(TimeSpan retryAfter, string detail) : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    private readonly UnavailableProblem _problem = Problems.Unavailable(detail);

    public int? StatusCode => StatusCodes.Status503ServiceUnavailable;

    public int RetryAfterSeconds { get; } = (int)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return _problem.ExecuteAsync(httpContext);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => UnavailableProblem.PopulateMetadata(method, builder);
}
