using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Dapr.Actors.Client;
using DaprPlatform.Analytics.Contracts;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Analytics.Tests.Api;

/// <summary>
/// <c>channel.metrics</c> bulk deliveries against the analytics app, with a recording stand-in for the actor proxies so the
/// test sees exactly which actor calls a delivery causes. The inbox runs on real Postgres.
/// </summary>
public sealed class BulkMetricsIngestTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new("analytics_bulk");
    private readonly RecordingActorProxies _proxies = new();
    private AnalyticsFactory _analytics = null!;
    private WebApplicationFactory<Program> _factory = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _analytics = new AnalyticsFactory(_database.ConnectionString, sidecar: null);
        _factory = _analytics.WithWebHostBuilder(web => web.ConfigureTestServices(services => services.AddSingleton<IActorProxyFactory>(_proxies)));
    }

    public async Task DisposeAsync()
    {
        await _analytics.DisposeAsync(); // disposes the derived factory too
        await _database.DisposeAsync();
    }

    private static object Entry(string entryId, string eventId, Guid channelId, params string[] sampleIds) => new
    {
        entryId,
        @event = new
        {
            specversion = "1.0",
            id = eventId,
            source = "channels",
            type = "com.dapr.event.sent",
            topic = "channel.metrics",
            pubsubname = "pubsub",
            datacontenttype = "application/json",
            data = new { channelId, samples = sampleIds.Select(s => new { id = s, kind = "views", value = 1, at = TimeProvider.System.GetUtcNow() }).ToArray() },
        },
        metadata = new { },
        contentType = "application/cloudevents+json",
    };

    /// <summary>Posts a bulk body as daprd does (pubsub_api "Bulk subscribe") and returns entryId → status.</summary>
    private async Task<Dictionary<string, string>> DeliverAsync(params object[] entries)
    {
        var body = new { id = Guid.NewGuid().ToString(), type = "com.dapr.event.sent.bulk", topic = "channel.metrics", pubsubname = "pubsub", metadata = new { pubsubName = "pubsub" }, entries };
        using var client = _factory.CreateClient();
        using var response = await client.PostAsync("/events/channel-metrics", new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("statuses").EnumerateArray()
            .ToDictionary(s => s.GetProperty("entryId").GetString()!, s => s.GetProperty("status").GetString()!);
    }

    [Fact]
    public async Task A_bulk_delivery_larger_than_the_services_request_limit_is_taken_in()
    {
        // 100 full batches in one bulk body are several MiB, over the 1 MiB API limit: delivery routes carry their own.
        var channelId = Guid.NewGuid();
        var entries = Enumerable.Range(0, 20)
            .Select(i => Entry($"e{i}", $"big-{Guid.NewGuid():N}", channelId, Enumerable.Range(0, 1000).Select(n => $"big-{i}-{n}-{new string('x', 40)}").ToArray()))
            .ToArray();

        var statuses = await DeliverAsync(entries);

        statuses.Values.Should().AllBe("SUCCESS");
        SampleIdsSentTo(channelId).Should().HaveCount(20_000);
    }

    private List<string> SampleIdsSentTo(Guid channelId) => _actorCalls
        .Where(c => c.ChannelId == channelId.ToString())
        .SelectMany(c => c.Batch.Samples.Select(s => s.Id))
        .ToList();

    private ConcurrentQueue<(string ChannelId, ChannelMetricsBatch Batch)> _actorCalls => _proxies.Calls;

    [Fact]
    public async Task A_bulk_delivery_makes_one_actor_call_per_channel_with_the_merged_samples()
    {
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        var statuses = await DeliverAsync(
            Entry("1", "ev-1", a, "a1", "a2"),
            Entry("2", "ev-2", b, "b1"),
            Entry("3", "ev-3", a, "a3"),
            Entry("4", "ev-4", Guid.Empty, "x1"),
            Entry("5", "ev-5", b, "b2", "b3"));

        // Bulk reply: a status per entry; an event that can never be valid (no channel) is DROPped alone.
        statuses.Should().BeEquivalentTo(new Dictionary<string, string> { ["1"] = "SUCCESS", ["2"] = "SUCCESS", ["3"] = "SUCCESS", ["4"] = "DROP", ["5"] = "SUCCESS" });
        _actorCalls.Count(c => c.ChannelId == a.ToString()).Should().Be(1);
        _actorCalls.Count(c => c.ChannelId == b.ToString()).Should().Be(1);
        SampleIdsSentTo(a).Should().BeEquivalentTo(["a1", "a2", "a3"]);
        SampleIdsSentTo(b).Should().BeEquivalentTo(["b1", "b2", "b3"]);
        _actorCalls.Should().HaveCount(2);
    }

    [Fact]
    public async Task Redelivered_CloudEvent_ids_are_acknowledged_without_reaching_the_actor_again()
    {
        var channel = Guid.NewGuid();
        (await DeliverAsync(Entry("1", "seen-1", channel, "s1"))).Should().ContainValue("SUCCESS");

        // At-least-once: a redelivery carries a processed id (inbox → SUCCESS, not ingested) next to a new one, and the same new event twice.
        var statuses = await DeliverAsync(Entry("r1", "seen-1", channel, "s1"), Entry("r2", "new-2", channel, "s2"), Entry("r3", "new-2", channel, "s2"));

        statuses.Should().BeEquivalentTo(new Dictionary<string, string> { ["r1"] = "SUCCESS", ["r2"] = "SUCCESS", ["r3"] = "SUCCESS" });
        SampleIdsSentTo(channel).Should().Equal("s1", "s2");

        (await DeliverAsync(Entry("again", "new-2", channel, "s2"))).Should().ContainValue("SUCCESS");
        _actorCalls.Count(c => c.ChannelId == channel.ToString()).Should().Be(2);
    }

    [Fact]
    public async Task An_actor_failure_retries_only_that_channels_entries_and_records_nothing_for_them()
    {
        var (healthy, failing) = (Guid.NewGuid(), Guid.NewGuid());
        _proxies.Failing[failing.ToString()] = true;

        var statuses = await DeliverAsync(Entry("h1", "h-1", healthy, "h1"), Entry("f1", "f-1", failing, "f1"), Entry("f2", "f-2", failing, "f2"));

        statuses.Should().BeEquivalentTo(new Dictionary<string, string> { ["h1"] = "SUCCESS", ["f1"] = "RETRY", ["f2"] = "RETRY" });

        // The retried entries were not recorded in the inbox, so their redelivery reaches the actor again.
        _proxies.Failing.TryRemove(failing.ToString(), out _);
        (await DeliverAsync(Entry("f1", "f-1", failing, "f1"), Entry("f2", "f-2", failing, "f2"))).Values.Should().OnlyContain(s => s == "SUCCESS");
        _actorCalls.Where(c => c.ChannelId == failing.ToString()).Should().HaveCount(2);
        _actorCalls.Last().Batch.Samples.Should().HaveCount(2);
    }
}
