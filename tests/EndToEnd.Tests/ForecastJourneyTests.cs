using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.DevHost;
using DaprPlatform.TestSupport;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>
/// Issue 18's forecast journey on the real platform, the Python <c>ml</c> app included (Debian's gunicorn under DevHost): an
/// owner posts three weeks of back-dated hourly samples, reads a week's forecast and the best posting times through the
/// gateway, and meets a 503 with Retry-After while ml is stopped — with the cached forecast still served — and a 200
/// again once ml is back. ml keeps the forecast it issued (to score it later, ADR 0037) and forgets it when the owner
/// removes the channel: the Python app's own subscription to <c>channel.removed</c>, checked against contracts/.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ForecastJourneyTests(PlatformFixture platform)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private const int Days = 21;
    private static readonly int[] PostingHours = [9, 13, 18];

    [Fact]
    public async Task Owner_posts_three_weeks_of_samples_reads_a_forecast_and_best_times_and_ml_down_is_503_until_it_is_back()
    {
        var (_, token) = await platform.RegisterAndLogInAsync("channel-owner");
        var channelId = await RegisterChannelAsync(token);
        await PostHistoryAsync(token, channelId);

        // 404 until channel.registered reaches analytics, 422 until the actor's flush has written the rollups.
        var forecast = await Eventually.UntilAsync(
            "a forecast over the flushed history",
            _ => GetAsync(token, $"/api/analytics/channels/{channelId}/forecast"),
            answer => answer.Status == HttpStatusCode.OK,
            Patience,
            answer => $"{(int)answer.Status} {answer.Body}",
            interval: TimeSpan.FromSeconds(1));

        var body = forecast.Json!.Value;
        body.GetProperty("cached").GetBoolean().Should().BeFalse();
        body.GetProperty("horizonHours").GetInt32().Should().Be(168);
        body.GetProperty("interval").GetDouble().Should().Be(0.8);
        body.GetProperty("model").GetString().Should().StartWith("seasonal-regression");
        var points = body.GetProperty("points").EnumerateArray().ToList();
        points.Should().HaveCount(168);
        points.Should().OnlyContain(p => p.GetProperty("lower").GetDouble() <= p.GetProperty("value").GetDouble()
            && p.GetProperty("value").GetDouble() <= p.GetProperty("upper").GetDouble());
        points[0].GetProperty("at").GetDateTimeOffset().Should().Be(body.GetProperty("historyTo").GetDateTimeOffset().AddHours(1));
        // The planted daily peak (12:00 UTC) is where the forecast peaks on each whole UTC day it covers.
        var peakHours = points.GroupBy(p => p.GetProperty("at").GetDateTimeOffset().UtcDateTime.Date).Where(day => day.Count() == 24)
            .Select(day => day.MaxBy(p => p.GetProperty("value").GetDouble()).GetProperty("at").GetDateTimeOffset().UtcDateTime.Hour)
            .ToList();
        peakHours.Should().HaveCountGreaterThanOrEqualTo(6).And.OnlyContain(hour => hour >= 11 && hour <= 13);

        var again = await GetAsync(token, $"/api/analytics/channels/{channelId}/forecast");
        again.Status.Should().Be(HttpStatusCode.OK);
        again.Json!.Value.GetProperty("cached").GetBoolean().Should().BeTrue("the same history gives the state store's answer");

        var best = await GetAsync(token, $"/api/analytics/channels/{channelId}/best-time?top=3");
        best.Status.Should().Be(HttpStatusCode.OK, best.Body);
        var slots = best.Json!.Value.GetProperty("slots").EnumerateArray().ToList();
        slots.Should().HaveCount(3);
        slots.Should().OnlyContain(s => s.GetProperty("hour").GetInt32() == 13 && s.GetProperty("expectedLift").GetDouble() > 0,
            "13:00 posts drew the most views per post (the daily wave is high then)");
        best.Json!.Value.GetProperty("totalPosts").GetInt32().Should().Be(Days * PostingHours.Length);

        await platform.Host.StopAppAsync("ml");
        try
        {
            var down = await GetAsync(token, $"/api/analytics/channels/{channelId}/forecast?horizon=24");
            down.Status.Should().Be(HttpStatusCode.ServiceUnavailable, down.Body);
            down.RetryAfter.Should().NotBeNull().And.BeGreaterThan(TimeSpan.Zero);
            down.Body.Should().Contain("forecasting service is unavailable");

            var cached = await GetAsync(token, $"/api/analytics/channels/{channelId}/forecast");
            cached.Status.Should().Be(HttpStatusCode.OK, "an answer already cached needs no ml");
            cached.Json!.Value.GetProperty("cached").GetBoolean().Should().BeTrue();
        }
        finally
        {
            await platform.StartAppAsync("ml");
        }

        // The sidecar's circuit breaker for ml may still be open for a while: it closes after its timeout.
        var back = await Eventually.UntilAsync(
            "a forecast once ml is back",
            _ => GetAsync(token, $"/api/analytics/channels/{channelId}/forecast?horizon=24"),
            answer => answer.Status == HttpStatusCode.OK,
            Patience,
            answer => $"{(int)answer.Status} {answer.Body}",
            interval: TimeSpan.FromSeconds(1));
        back.Json!.Value.GetProperty("points").GetArrayLength().Should().Be(24);
        platform.Host.Apps.Single(a => a.AppId == "ml").State.Should().Be(AppState.Running);

        // ml's own state, read as ml reads it (its sidecar's state API): the week's forecast it issued first, kept until its
        // hours have happened — the 24-hour one asked later did not replace it.
        using var mlSidecar = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:3513"), Timeout = TimeSpan.FromSeconds(30) };
        var kept = await KeptForecastAsync(mlSidecar, channelId);
        kept.Should().NotBeNull("ml keeps the forecast it issued for the channel");
        kept!.Value.GetProperty("points").GetArrayLength().Should().Be(168);
        kept.Value.GetProperty("points")[0].GetProperty("at").GetDateTimeOffset().Should().Be(points[0].GetProperty("at").GetDateTimeOffset());

        using (var removed = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Delete, $"/api/channels/{channelId}", token))
        {
            removed.StatusCode.Should().Be(HttpStatusCode.NoContent, await removed.Content.ReadAsStringAsync());
        }

        await Eventually.UntilAsync(
            "ml forgetting the removed channel's forecast (channel.removed)",
            _ => KeptForecastAsync(mlSidecar, channelId),
            forecastKept => forecastKept is null,
            Patience,
            forecastKept => forecastKept is null ? "gone" : "still kept",
            interval: TimeSpan.FromMilliseconds(250));
    }

    private static async Task<JsonElement?> KeptForecastAsync(HttpClient mlSidecar, Guid channelId)
    {
        using var response = await mlSidecar.GetAsync($"/v1.0/state/statestore/forecast-{channelId}");
        response.EnsureSuccessStatusCode();
        return response.StatusCode == HttpStatusCode.NoContent ? null : await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private sealed record Answer(HttpStatusCode Status, string Body, JsonElement? Json, TimeSpan? RetryAfter);

    private async Task<Answer> GetAsync(string token, string path)
    {
        using var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, path, token);
        var text = await response.Content.ReadAsStringAsync();
        JsonElement? json = response.StatusCode == HttpStatusCode.OK ? JsonDocument.Parse(text).RootElement.Clone() : null;
        return new Answer(response.StatusCode, text, json, response.Headers.RetryAfter?.Delta);
    }

    private async Task<Guid> RegisterChannelAsync(string token)
    {
        var username = $"forecast_{Guid.NewGuid():N}"[..24];
        using var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, "/api/channels", token, new { telegram = "@" + username });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>
    /// Views every hour of the last <see cref="Days"/> days — a daily wave peaking at 12:00 UTC, weekends lower, a little
    /// noise (fixed seed) — and one post at each of <see cref="PostingHours"/> every day, back-dated in one batch.
    /// </summary>
    private async Task PostHistoryAsync(string token, Guid channelId)
    {
        var random = new Random(18);
        var now = DateTimeOffset.UtcNow;
        var lastHour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(-1);
        var samples = new List<object>();
        for (var hour = lastHour.AddHours(-Days * 24 + 1); hour <= lastHour; hour = hour.AddHours(1))
        {
            var weekend = hour.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 40 : 0;
            var views = 200 + (100 * Math.Sin(2 * Math.PI * (hour.Hour - 6) / 24)) - weekend + random.Next(-10, 11);
            var at = hour.AddMinutes(30);
            samples.Add(new { id = $"v{hour:yyyyMMddHH}", kind = "views", value = (long)Math.Round(views), at });
            if (PostingHours.Contains(hour.Hour))
            {
                samples.Add(new { id = $"p{hour:yyyyMMddHH}", kind = "posts", value = 1L, at = hour.AddMinutes(5) });
            }
        }

        using var posted = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, $"/api/channels/{channelId}/metrics", token, new { samples });
        posted.StatusCode.Should().Be(HttpStatusCode.Accepted, await posted.Content.ReadAsStringAsync());
        (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32().Should().Be(samples.Count);
        samples.Count.Should().BeLessThan(1000, "one batch of channels' intake ({0} at most)", 1000.ToString(CultureInfo.InvariantCulture));
    }
}
