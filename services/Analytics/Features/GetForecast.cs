using DaprPlatform.Analytics.Domain;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprPlatform.Analytics.Features;

public sealed record ForecastResponse(
    Guid ChannelId,
    int HorizonHours,
    double Interval,
    string Model,
    DateTimeOffset HistoryFrom,
    DateTimeOffset HistoryTo,
    IReadOnlyList<ForecastPoint> Points,
    ForecastAccuracy? Accuracy,
    bool Cached);

/// <summary>
/// GET /api/analytics/channels/{id}/forecast?horizon=168 — views per hour for the next 1–168 hours with 80 % prediction
/// intervals, from the channel's hourly rollups, computed by the <c>ml</c> app (invoked through the sidecar) and cached in
/// the state store per history. 422 below two weeks of history; 503 with Retry-After while ml is unavailable. ml keeps what it
/// issued per channel and answers with the score of its previous forecast on the hours since (<see cref="ForecastAccuracy"/>).
/// </summary>
public static class GetForecast
{
    public const int MaxHorizonHours = 168;

    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapGet("/forecast", HandleAsync).WithName("GetChannelForecast");

    public static async Task<Results<Ok<ForecastResponse>, ValidationProblem, NotFoundProblem, UnprocessableProblem, BadGatewayProblem, RetryLaterProblem>> HandleAsync(
        Guid id, string? horizon, [AsParameters] PredictionRequest prediction, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        var errors = new ValidationErrors();
        var hours = Predictions.ParseWholeNumber("horizon", horizon, MaxHorizonHours, 1, MaxHorizonHours, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (await prediction.ReadableHistoryAsync(id, ct) is not { } series)
        {
            return ChannelReadAccess.NotFound(id);
        }

        if (series.Count < ChannelHistory.MinForecastHours)
        {
            return Predictions.TooLittleHistory(series.Count, ChannelHistory.MinForecastHours);
        }

        var body = new { series = series.Select(h => new { at = h.Hour, value = h.Views }), horizonHours = hours, channelId = id };
        return await prediction.AskAsync<MlForecast, ForecastResponse>("forecast", body, Predictions.CacheKey("forecast", id, $"h{hours}", series),
            (forecast, cached) => new ForecastResponse(id, forecast.HorizonHours, forecast.Interval, forecast.Model, series[0].Hour, series[^1].Hour, forecast.Points, forecast.Accuracy, cached),
            ct);
    }
}
