using System.Text.Json;
using System.Text.Json.Nodes;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Analytics.Tests.Predictions;

/// <summary>How the in-test <c>ml</c> app answers.</summary>
public enum FakeMlBehaviour
{
    /// <summary>As the Python app does, in shape: a point per hour after the last one (the last value ± 20 %), or slots.</summary>
    Answer,
    Fail,
    RefuseAsBadInput,
    TooFewPosts,
    Slow,
}

/// <summary>
/// An app registered as <c>ml</c> in the test run file, on a fixed port so it can be stopped and started again there: DevHost
/// routes analytics' invocations of <c>ml</c> to it. It records what it was sent.
/// </summary>
public sealed class FakeMl : IAsyncDisposable
{
    private readonly List<JsonObject> _received = [];
    private LoopbackApp? _app;

    public FakeMl(int port) => Port = port;

    public int Port { get; }

    public FakeMlBehaviour Behaviour { get; set; } = FakeMlBehaviour.Answer;

    public IReadOnlyList<JsonObject> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    public async Task StartAsync() => _app = await LoopbackApp.StartAsync(Map, Port);

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private void Map(WebApplication app)
    {
        app.MapPost("/forecast", (JsonObject body) => Answer(body, Forecast));
        app.MapPost("/best-time", (JsonObject body) => Answer(body, BestTime));
    }

    private async Task<IResult> Answer(JsonObject body, Func<JsonObject, object> answer)
    {
        lock (_received)
        {
            _received.Add(body);
        }

        switch (Behaviour)
        {
            case FakeMlBehaviour.Fail:
                return Results.Problem("boom", statusCode: 500);
            case FakeMlBehaviour.RefuseAsBadInput:
                return Results.Problem("One or more fields are invalid.", statusCode: 400,
                    extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["series[3].at"] = ["Hours must be sorted and unique."] } });
            case FakeMlBehaviour.TooFewPosts:
                return Results.Problem("One or more fields are invalid.", statusCode: 400,
                    extensions: new Dictionary<string, object?>
                    {
                        ["errors"] = new Dictionary<string, string[]> { ["series"] = ["At least 10 posts are needed; the history holds 2."] },
                        ["minimumPosts"] = 10,
                    });
            case FakeMlBehaviour.Slow:
                await Task.Delay(TimeSpan.FromSeconds(10));
                break;
        }

        return Results.Json(answer(body), JsonSerializerOptions.Web);
    }

    private static object Forecast(JsonObject body)
    {
        var series = body["series"]!.AsArray();
        var last = series[^1]!;
        var lastAt = last["at"]!.GetValue<DateTimeOffset>();
        var value = last["value"]!.GetValue<double>();
        var horizon = body["horizonHours"]?.GetValue<int>() ?? 168;
        return new
        {
            points = Enumerable.Range(1, horizon).Select(i => new { at = lastAt.AddHours(i), value, lower = value * 0.8, upper = value * 1.2 }),
            model = "fake",
            interval = 0.8,
            horizonHours = horizon,

            // As ml answers for a channel it forecast before: its previous forecast scored on the hours since (ADR 0037).
            accuracy = body["channelId"] is null ? null : new
            {
                issuedAt = lastAt.AddHours(-24),
                interval = 0.8,
                hoursForecast = 168,
                hoursCompared = 24,
                meanAbsoluteError = 3.5,
                weightedAbsolutePercentageError = (double?)null,
                intervalCoverage = 0.75,
            },
        };
    }

    private static object BestTime(JsonObject body) => new
    {
        slots = new[] { new { dayOfWeek = "tuesday", hour = 18, hourOfWeek = 42, posts = 4, engagementPerPost = 900.0, expectedLift = 0.5 } }
            .Take(body["top"]?.GetValue<int>() ?? 3),
        meanEngagementPerPost = 600.0,
        totalPosts = body["series"]!.AsArray().Sum(h => h!["posts"]!.GetValue<long>()),
    };
}
