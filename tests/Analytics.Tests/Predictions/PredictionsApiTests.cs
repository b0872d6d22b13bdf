using System.Net;
using System.Text.Json;
using DaprPlatform.Analytics.Domain;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Analytics.Tests.Predictions;

/// <summary>GET …/forecast and …/best-time: history from the rollups → ml by invocation → cached in the state store.</summary>
[Collection(PredictionsCollection.Name)]
public sealed class PredictionsApiTests(PredictionsPlatform platform) : IAsyncLifetime
{
    private const int ThreeWeeks = 21 * 24;

    public Task InitializeAsync()
    {
        platform.Ml.Behaviour = FakeMlBehaviour.Answer;
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_forecast_comes_from_ml_with_the_channel_s_complete_hours_and_is_cached_for_the_same_history()
    {
        var owner = Guid.NewGuid();
        var channelId = await platform.ChannelWithHistoryAsync(owner, ThreeWeeks);
        using var client = platform.Factory.CreateClientFor(owner);

        var (first, second) = await WithinOneHourAsync(async () =>
            (await GetJsonAsync(client, $"/api/analytics/channels/{channelId}/forecast?horizon=48"),
             await GetJsonAsync(client, $"/api/analytics/channels/{channelId}/forecast?horizon=48")));

        first.GetProperty("cached").GetBoolean().Should().BeFalse();
        first.GetProperty("points").GetArrayLength().Should().Be(48);
        first.GetProperty("horizonHours").GetInt32().Should().Be(48);
        first.GetProperty("model").GetString().Should().Be("fake");
        var end = ChannelHistory.EndBefore(DateTimeOffset.UtcNow);
        first.GetProperty("historyTo").GetDateTimeOffset().Should().Be(end.AddHours(-1));
        first.GetProperty("historyFrom").GetDateTimeOffset().Should().Be(end.AddHours(-ThreeWeeks));
        second.GetProperty("cached").GetBoolean().Should().BeTrue();
        second.GetProperty("points").GetRawText().Should().Be(first.GetProperty("points").GetRawText());

        var sent = platform.Ml.Received.Where(r => r["series"]!.AsArray().Count == ThreeWeeks && r["horizonHours"]?.GetValue<int>() == 48).ToList();
        sent.Should().ContainSingle("the second answer came from the state store");
        sent[0]["series"]![0]!["value"]!.GetValue<long>().Should().Be(100);

        // ml is told the channel, so it can keep the forecast and score it later; its score is passed on, cached with the rest.
        sent[0]["channelId"]!.GetValue<Guid>().Should().Be(channelId);
        foreach (var answer in new[] { first, second })
        {
            var accuracy = answer.GetProperty("accuracy");
            accuracy.GetProperty("hoursCompared").GetInt32().Should().Be(24);
            accuracy.GetProperty("intervalCoverage").GetDouble().Should().Be(0.75);
            accuracy.GetProperty("weightedAbsolutePercentageError").ValueKind.Should().Be(JsonValueKind.Null);
            accuracy.GetProperty("issuedAt").GetDateTimeOffset().Should().Be(end.AddHours(-25));
        }
    }

    [Fact]
    public async Task New_history_is_a_new_cache_entry()
    {
        var owner = Guid.NewGuid();
        var channelId = await platform.ChannelWithHistoryAsync(owner, ThreeWeeks);
        using var client = platform.Factory.CreateClientFor(owner);

        var (before, after) = await WithinOneHourAsync(async () =>
        {
            var first = await GetJsonAsync(client, $"/api/analytics/channels/{channelId}/forecast");
            await platform.AddViewsToTheLastHourAsync(channelId, 50);
            return (first, await GetJsonAsync(client, $"/api/analytics/channels/{channelId}/forecast"));
        });

        before.GetProperty("cached").GetBoolean().Should().BeFalse();
        after.GetProperty("cached").GetBoolean().Should().BeFalse("a late sample changed the history the forecast came from");
        after.GetProperty("points")[0].GetProperty("value").GetDouble().Should().Be(before.GetProperty("points")[0].GetProperty("value").GetDouble() + 50);
    }

    [Fact]
    public async Task A_cached_answer_expires_with_its_ttl()
    {
        var owner = Guid.NewGuid();
        var channelId = await platform.ChannelWithHistoryAsync(owner, ThreeWeeks);
        await using var shortLived = platform.CreateFactory(new Dictionary<string, string>(StringComparer.Ordinal) { ["Predictions:CacheTtl"] = "00:00:02" });
        using var client = shortLived.CreateClientFor(owner);
        var path = $"/api/analytics/channels/{channelId}/best-time";

        var (first, second) = await WithinOneHourAsync(async () => (await GetJsonAsync(client, path), await GetJsonAsync(client, path)));
        first.GetProperty("cached").GetBoolean().Should().BeFalse();
        second.GetProperty("cached").GetBoolean().Should().BeTrue();

        await Task.Delay(TimeSpan.FromSeconds(3));
        var third = await GetJsonAsync(client, path);
        third.GetProperty("cached").GetBoolean().Should().BeFalse("the state store dropped the entry after ttlInSeconds");
    }

    [Fact]
    public async Task Best_time_sends_every_hour_with_its_posts_and_views_and_answers_ml_s_slots()
    {
        var owner = Guid.NewGuid();
        var channelId = await platform.ChannelWithHistoryAsync(owner, ThreeWeeks);
        using var client = platform.Factory.CreateClientFor(owner);

        var answer = await GetJsonAsync(client, $"/api/analytics/channels/{channelId}/best-time?top=1");

        answer.GetProperty("cached").GetBoolean().Should().BeFalse();
        var slot = answer.GetProperty("slots").EnumerateArray().Should().ContainSingle().Subject;
        (slot.GetProperty("dayOfWeek").GetString(), slot.GetProperty("hour").GetInt32(), slot.GetProperty("expectedLift").GetDouble()).Should().Be(("tuesday", 18, 0.5));
        answer.GetProperty("totalPosts").GetInt32().Should().Be(ThreeWeeks / 6);
        answer.GetProperty("meanViewsPerPost").GetDouble().Should().Be(600);
        var sent = platform.Ml.Received.Last(r => r["top"] is not null);
        sent["series"]!.AsArray().Should().HaveCount(ThreeWeeks);
        sent["series"]![0]!["posts"]!.GetValue<long>().Should().Be(1);
        sent["series"]![1]!["posts"]!.GetValue<long>().Should().Be(0);
    }

    [Fact]
    public async Task Hours_without_rollups_are_sent_as_zero_and_the_unfinished_hour_is_left_out()
    {
        var owner = Guid.NewGuid();
        // Every third hour has no rollup at all: the channel saw nothing then.
        var channelId = await platform.ChannelWithHistoryAsync(owner, ThreeWeeks, i => i % 3 == 1 ? 0 : 10);
        using var client = platform.Factory.CreateClientFor(owner);

        await GetJsonAsync(client, $"/api/analytics/channels/{channelId}/forecast?horizon=7");

        var series = platform.Ml.Received.Last(r => r["horizonHours"]?.GetValue<int>() == 7)["series"]!.AsArray();
        series.Should().HaveCount(ThreeWeeks);
        series.Select(p => p!["value"]!.GetValue<long>()).Take(4).Should().Equal(10, 0, 10, 10);
        series[^1]!["at"]!.GetValue<DateTimeOffset>().Should().BeBefore(ChannelHistory.EndBefore(DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Less_than_two_weeks_of_history_is_422_saying_how_much_is_needed_and_ml_is_not_asked()
    {
        var owner = Guid.NewGuid();
        var channelId = await platform.ChannelWithHistoryAsync(owner, 13 * 24);
        using var client = platform.Factory.CreateClientFor(owner);
        var asked = platform.Ml.Received.Count;

        using var response = await client.GetAsync($"/api/analytics/channels/{channelId}/forecast");

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var problem = await response.ReadProblemAsync();
        problem.GetProperty("requiredHours").GetInt32().Should().Be(336);
        problem.GetProperty("availableHours").GetInt32().Should().Be(13 * 24);
        problem.GetProperty("detail").GetString().Should().Contain("336 complete hours (14 days)");
        problem.FieldErrors().Should().Contain("history");
        platform.Ml.Received.Count.Should().Be(asked);
    }

    [Fact]
    public async Task A_channel_without_any_history_is_422_for_best_time()
    {
        var owner = Guid.NewGuid();
        var channelId = await platform.ChannelWithHistoryAsync(owner, 0);
        using var client = platform.Factory.CreateClientFor(owner);

        using var response = await client.GetAsync($"/api/analytics/channels/{channelId}/best-time");

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await response.ReadProblemAsync()).FieldErrors().Should().Contain("history");
    }

    [Fact]
    public async Task Too_few_posts_for_ml_is_422_with_ml_s_minimums()
    {
        var owner = Guid.NewGuid();
        var channelId = await platform.ChannelWithHistoryAsync(owner, 24);
        platform.Ml.Behaviour = FakeMlBehaviour.TooFewPosts;
        using var client = platform.Factory.CreateClientFor(owner);

        using var response = await client.GetAsync($"/api/analytics/channels/{channelId}/best-time");

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var problem = await response.ReadProblemAsync();
        problem.GetProperty("minimumPosts").GetInt32().Should().Be(10);
        problem.GetProperty("detail").GetString().Should().Be("At least 10 posts are needed; the history holds 2.");
        problem.FieldErrors().Should().Contain("series");
    }

    [Theory]
    [InlineData(FakeMlBehaviour.Fail, "forecast")]
    [InlineData(FakeMlBehaviour.Fail, "best-time")]
    [InlineData(FakeMlBehaviour.Slow, "forecast")]
    public async Task Ml_failing_or_too_slow_is_503_with_retry_after(FakeMlBehaviour behaviour, string view)
    {
        var owner = Guid.NewGuid();
        var channelId = await platform.ChannelWithHistoryAsync(owner, ThreeWeeks);
        platform.Ml.Behaviour = behaviour;
        using var client = platform.Factory.CreateClientFor(owner);

        using var response = await client.GetAsync($"/api/analytics/channels/{channelId}/{view}");

        await ShouldBeRetryLaterAsync(response);
    }

    [Fact]
    public async Task Ml_refusing_what_analytics_sent_is_502()
    {
        var owner = Guid.NewGuid();
        var channelId = await platform.ChannelWithHistoryAsync(owner, ThreeWeeks);
        platform.Ml.Behaviour = FakeMlBehaviour.RefuseAsBadInput;
        using var client = platform.Factory.CreateClientFor(owner);

        using var response = await client.GetAsync($"/api/analytics/channels/{channelId}/forecast");

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        (await response.ReadProblemAsync()).GetProperty("detail").GetString().Should().Contain("Hours must be sorted and unique.");
    }

    [Fact]
    public async Task Ml_down_is_503_with_retry_after_and_the_same_call_succeeds_once_it_is_back()
    {
        var owner = Guid.NewGuid();
        var channelId = await platform.ChannelWithHistoryAsync(owner, ThreeWeeks);
        using var client = platform.Factory.CreateClientFor(owner);
        var path = $"/api/analytics/channels/{channelId}/forecast?horizon=24";
        var cachedPath = $"/api/analytics/channels/{channelId}/forecast?horizon=12";
        (await GetJsonAsync(client, cachedPath)).GetProperty("cached").GetBoolean().Should().BeFalse();

        await platform.Ml.StopAsync();
        try
        {
            using var down = await client.GetAsync(path);
            await ShouldBeRetryLaterAsync(down);
            // What is already cached for the same history needs no ml.
            (await GetJsonAsync(client, cachedPath)).GetProperty("cached").GetBoolean().Should().BeTrue();
        }
        finally
        {
            await platform.Ml.StartAsync();
        }

        var back = await GetJsonAsync(client, path);
        back.GetProperty("points").GetArrayLength().Should().Be(24);
        back.GetProperty("cached").GetBoolean().Should().BeFalse("nothing was cached while ml was down");
    }

    [Fact]
    public async Task Another_owner_s_channel_is_404_and_an_admin_reads_it()
    {
        var channelId = await platform.ChannelWithHistoryAsync(Guid.NewGuid(), ThreeWeeks);
        using var stranger = platform.Factory.CreateClientFor(Guid.NewGuid());
        using var admin = platform.Factory.CreateClientFor(Guid.NewGuid(), PlatformRoles.Admin);

        foreach (var view in new[] { "forecast", "best-time" })
        {
            using var response = await stranger.GetAsync($"/api/analytics/channels/{channelId}/{view}");
            response.StatusCode.Should().Be(HttpStatusCode.NotFound);
            (await response.ReadProblemAsync()).GetProperty("detail").GetString().Should().Contain(channelId.ToString());
            using var unknown = await stranger.GetAsync($"/api/analytics/channels/{Guid.NewGuid()}/{view}");
            unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
            using var read = await admin.GetAsync($"/api/analytics/channels/{channelId}/{view}");
            read.StatusCode.Should().Be(HttpStatusCode.OK);
        }
    }

    private static async Task ShouldBeRetryLaterAsync(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, await response.Content.ReadAsStringAsync());
        response.Headers.RetryAfter?.Delta.Should().Be(TimeSpan.FromSeconds(15));
        (await response.ReadProblemAsync()).GetProperty("detail").GetString().Should().Contain("forecasting service is unavailable");
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Runs <paramref name="calls"/> again if an hour ended meanwhile: a new complete hour is new history, so a new cache key.</summary>
    private static async Task<T> WithinOneHourAsync<T>(Func<Task<T>> calls)
    {
        while (true)
        {
            var hour = ChannelHistory.EndBefore(DateTimeOffset.UtcNow);
            var result = await calls();
            if (ChannelHistory.EndBefore(DateTimeOffset.UtcNow) == hour)
            {
                return result;
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PredictionsCollection : ICollectionFixture<PredictionsPlatform>
{
    public const string Name = "predictions";
}
