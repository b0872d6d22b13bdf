using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Analytics.Tests.Api;

/// <summary>Events in, metrics out: subscriptions → ChannelMetrics actor (through DevHost) → read API.</summary>
public sealed class ChannelAnalyticsApiTests(AnalyticsPlatform platform) : IClassFixture<AnalyticsPlatform>
{
    [Fact]
    public async Task Owner_reads_exact_totals_after_batches_with_a_duplicate_sample_and_a_redelivered_event()
    {
        var (channelId, owner) = (Guid.NewGuid(), Guid.NewGuid());
        (await platform.RegisterChannelAsync(channelId, owner)).Should().Be("SUCCESS");

        var first = Guid.NewGuid().ToString();
        (await platform.DeliverMetricsAsync(channelId, first, ("a", "views", 100), ("b", "reactions", 7), ("c", "subscribers", 250))).Should().Be("SUCCESS");
        (await platform.DeliverMetricsAsync(channelId, Guid.NewGuid().ToString(), ("a", "views", 100), ("d", "forwards", 3), ("e", "posts", 1))).Should().Be("SUCCESS");
        // Redelivery of the same CloudEvent id: the inbox skips it (pub/sub is at least once).
        (await platform.DeliverMetricsAsync(channelId, first, ("a", "views", 100), ("b", "reactions", 7), ("c", "subscribers", 250))).Should().Be("SUCCESS");
        (await platform.DeliverMetricsAsync(channelId, Guid.NewGuid().ToString(), ("f", "joins", 4), ("g", "leaves", 1))).Should().Be("SUCCESS");

        using var client = platform.Factory.CreateClientFor(owner);
        using var response = await client.GetAsync($"/api/analytics/channels/{channelId}/realtime?minutes=60");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        root.GetProperty("channelId").GetGuid().Should().Be(channelId);
        var totals = root.GetProperty("totals");
        (totals.GetProperty("views").GetInt64(), totals.GetProperty("reactions").GetInt64(), totals.GetProperty("forwards").GetInt64(),
            totals.GetProperty("posts").GetInt64(), totals.GetProperty("joins").GetInt64(), totals.GetProperty("leaves").GetInt64())
            .Should().Be((100L, 7L, 3L, 1L, 4L, 1L));
        root.GetProperty("subscribers").GetInt64().Should().Be(250);
        root.GetProperty("engagementRate").GetDouble().Should().Be(0.1);
        root.GetProperty("perMinute").GetArrayLength().Should().Be(60);

        using var summary = await client.GetAsync($"/api/analytics/channels/{channelId}/summary?period=7d");
        summary.StatusCode.Should().Be(HttpStatusCode.OK);
        using var summaryBody = JsonDocument.Parse(await summary.Content.ReadAsStringAsync());
        summaryBody.RootElement.GetProperty("totals").GetProperty("views").GetInt64().Should().Be(100);
        summaryBody.RootElement.GetProperty("postsPerDay").GetDouble().Should().BeApproximately(1 / 7.0, 1e-9);

        using var insights = await client.GetAsync($"/api/analytics/channels/{channelId}/insights");
        insights.StatusCode.Should().Be(HttpStatusCode.OK);
        using var insightsBody = JsonDocument.Parse(await insights.Content.ReadAsStringAsync());
        insightsBody.RootElement.GetProperty("trend").GetProperty("direction").GetString().Should().BeOneOf("flat", "rising", "falling");
        insightsBody.RootElement.GetProperty("anomalies").GetArrayLength().Should().Be(0);

        using var admin = platform.Factory.CreateClientFor(Guid.NewGuid(), PlatformRoles.Admin);
        (await admin.GetAsync($"/api/analytics/channels/{channelId}/realtime")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_flush_reminder_fired_by_the_sidecar_persists_state_and_rollups_so_a_reactivated_actor_answers_the_same()
    {
        var (channelId, owner) = (Guid.NewGuid(), Guid.NewGuid());
        await platform.RegisterChannelAsync(channelId, owner);
        await platform.DeliverMetricsAsync(channelId, Guid.NewGuid().ToString(), ("p1", "views", 40), ("p2", "reactions", 4));

        // Reminder registered through DevHost's actor API fires after its due time (10 s) and flushes one state transaction.
        await Eventually.UntilAsync(
            "the hourly rollup written by the flush",
            ct => platform.Factory.WithDbAsync(db => db.HourlyRollups.Where(r => r.ChannelId == channelId && r.Kind == "views").Select(r => (long?)r.Total).SingleOrDefaultAsync(ct)),
            total => total == 40,
            TimeSpan.FromSeconds(45),
            total => total?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none",
            TimeSpan.FromMilliseconds(500));

        // Actor state lives in the sidecar's actor state store: GET /v1.0/actors/{type}/{id}/state/{key} → 200.
        using var http = new HttpClient();
        using var stored = await http.GetAsync(new Uri(platform.SidecarEndpoint, $"v1.0/actors/ChannelMetrics/{channelId}/state/metrics"));
        stored.StatusCode.Should().Be(HttpStatusCode.OK);

        // Deactivate as daprd does (DELETE /actors/{type}/{id} on the app); the next call activates and restores from state.
        using (var app = platform.Factory.CreateClient())
        {
            (await app.DeleteAsync($"/actors/ChannelMetrics/{channelId}")).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        using var client = platform.Factory.CreateClientFor(owner);
        using var response = await client.GetAsync($"/api/analytics/channels/{channelId}/realtime");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("totals").GetProperty("views").GetInt64().Should().Be(40);
        body.RootElement.GetProperty("totals").GetProperty("reactions").GetInt64().Should().Be(4);
    }

    [Fact]
    public async Task Actor_methods_are_reachable_by_name_with_a_json_body_as_daprd_calls_them()
    {
        // Actor API without remoting: PUT /v1.0/actors/{type}/{id}/method/{method}, the single argument as the JSON body.
        var channelId = Guid.NewGuid();
        using var http = new HttpClient { BaseAddress = platform.SidecarEndpoint };
        var at = TimeProvider.System.GetUtcNow().AddSeconds(-5);
        using var ingest = await http.PutAsync(
            $"v1.0/actors/ChannelMetrics/{channelId}/method/IngestAsync",
            new StringContent($$"""{"channelId":"{{channelId}}","samples":[{"id":"a","kind":"views","value":3,"at":"{{at:O}}"}]}""", System.Text.Encoding.UTF8, "application/json"));
        (await ingest.Content.ReadAsStringAsync()).Should().Contain("\"accepted\":1");

        using var realtime = await http.PutAsync($"v1.0/actors/ChannelMetrics/{channelId}/method/GetRealtimeAsync", new StringContent("5", System.Text.Encoding.UTF8, "application/json"));
        (await realtime.Content.ReadAsStringAsync()).Should().Contain("\"views\":3");
    }

    [Theory]
    [InlineData("realtime")]
    [InlineData("summary")]
    [InlineData("insights")]
    [InlineData("live")]
    public async Task Another_owner_gets_404_as_if_the_channel_did_not_exist(string view)
    {
        var channelId = Guid.NewGuid();
        (await platform.RegisterChannelAsync(channelId, Guid.NewGuid())).Should().Be("SUCCESS");

        using var stranger = platform.Factory.CreateClientFor(Guid.NewGuid());
        using var response = await stranger.GetAsync($"/api/analytics/channels/{channelId}/{view}");
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        await response.ReadProblemAsync();
        using var unknown = await stranger.GetAsync($"/api/analytics/channels/{Guid.NewGuid()}/{view}");
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_removed_channel_is_no_longer_readable_even_by_its_owner()
    {
        var (channelId, owner) = (Guid.NewGuid(), Guid.NewGuid());
        await platform.RegisterChannelAsync(channelId, owner);
        using var client = platform.Factory.CreateClientFor(owner);
        (await client.GetAsync($"/api/analytics/channels/{channelId}/realtime")).StatusCode.Should().Be(HttpStatusCode.OK);

        var removed = new { channelId, removedAt = TimeProvider.System.GetUtcNow() };
        (await platform.DeliverAsync("/events/channel-removed", Guid.NewGuid().ToString(), removed, "channel.removed")).Should().Be("SUCCESS");

        (await client.GetAsync($"/api/analytics/channels/{channelId}/realtime")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_removal_that_overtakes_the_registration_keeps_the_channel_removed()
    {
        var (channelId, owner) = (Guid.NewGuid(), Guid.NewGuid());
        var removed = new { channelId, removedAt = TimeProvider.System.GetUtcNow() };
        (await platform.DeliverAsync("/events/channel-removed", Guid.NewGuid().ToString(), removed, "channel.removed")).Should().Be("SUCCESS");
        (await platform.RegisterChannelAsync(channelId, owner)).Should().Be("SUCCESS");

        using var client = platform.Factory.CreateClientFor(owner);
        (await client.GetAsync($"/api/analytics/channels/{channelId}/realtime")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var stored = await platform.Factory.WithDbAsync(db => db.Channels.SingleAsync(c => c.Id == channelId));
        stored.OwnerId.Should().Be(owner);
        stored.IsRemoved.Should().BeTrue();
    }

    [Fact]
    public async Task A_redelivered_registration_is_processed_once()
    {
        var (channelId, owner) = (Guid.NewGuid(), Guid.NewGuid());
        var eventId = Guid.NewGuid().ToString();
        (await platform.RegisterChannelAsync(channelId, owner, eventId)).Should().Be("SUCCESS");
        (await platform.RegisterChannelAsync(channelId, owner, eventId)).Should().Be("SUCCESS");

        (await platform.Factory.WithDbAsync(db => db.Channels.CountAsync(c => c.Id == channelId))).Should().Be(1);
        (await platform.Factory.WithDbAsync(db => db.InboxMessages.CountAsync(m => m.MessageId == eventId))).Should().Be(1);
    }

    [Theory]
    [InlineData("/events/channel-metrics", "channel.metrics", """{"channelId":"00000000-0000-0000-0000-000000000000","samples":[]}""")]
    [InlineData("/events/channel-metrics", "channel.metrics", """{"channelId":"5b0f2a55-8d5e-4a57-9f41-0f6d0cf0b4b1"}""")]
    [InlineData("/events/channel-registered", "channel.registered", """{"channelId":"5b0f2a55-8d5e-4a57-9f41-0f6d0cf0b4b1","ownerId":"00000000-0000-0000-0000-000000000000","title":"x","telegramChatId":1,"subscribers":0,"registeredAt":"2026-11-21T10:00:00Z"}""")]
    [InlineData("/events/channel-removed", "channel.removed", """{"channelId":"00000000-0000-0000-0000-000000000000","removedAt":"2026-11-21T10:00:00Z"}""")]
    public async Task An_event_that_can_never_be_valid_is_dropped(string route, string topic, string data)
    {
        // Pub/sub reply contract: DROP sends the message to the dead-letter topic instead of retrying forever.
        using var json = JsonDocument.Parse(data);
        (await platform.DeliverAsync(route, Guid.NewGuid().ToString(), json.RootElement, topic)).Should().Be("DROP");
    }

    [Theory]
    [InlineData("/events/channel-metrics")]
    [InlineData("/events/channel-registered")]
    [InlineData("/events/channel-removed")]
    public async Task A_delivery_whose_CloudEvent_is_not_json_is_dropped_and_writes_nothing(string route)
    {
        var inboxBefore = await platform.Database.CountAsync("inbox_messages");
        using var client = platform.Factory.CreateClient();
        using var content = new StringContent("{\"specversion\":\"1.0\",\"id\":", System.Text.Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/cloudevents+json");

        using var response = await client.PostAsync(route, content);

        // It can never be read, so retrying is pointless: DROP (the sidecar dead-letters it), not a 500 the sidecar would retry.
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().Should().Be("DROP");
        (await platform.Database.CountAsync("inbox_messages")).Should().Be(inboxBefore);
    }

    [Fact]
    public async Task Live_streams_the_realtime_view_and_pushes_again_when_it_changes()
    {
        var (channelId, owner) = (Guid.NewGuid(), Guid.NewGuid());
        await platform.RegisterChannelAsync(channelId, owner);
        await platform.DeliverMetricsAsync(channelId, Guid.NewGuid().ToString(), ("l1", "views", 5));

        using var client = platform.Factory.CreateClientFor(owner);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await client.GetAsync($"/api/analytics/channels/{channelId}/live?minutes=10", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        (await NextViewsAsync(reader, timeout.Token)).Should().Be(5);
        await platform.DeliverMetricsAsync(channelId, Guid.NewGuid().ToString(), ("l2", "views", 7));
        (await NextViewsAsync(reader, timeout.Token)).Should().Be(12);
    }

    private static async Task<long> NextViewsAsync(StreamReader reader, CancellationToken ct)
    {
        string? eventName = null;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventName = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                eventName.Should().Be("realtime");
                using var data = JsonDocument.Parse(line["data: ".Length..]);
                return data.RootElement.GetProperty("totals").GetProperty("views").GetInt64();
            }
        }

        throw new InvalidOperationException("The event stream ended.");
    }
}
