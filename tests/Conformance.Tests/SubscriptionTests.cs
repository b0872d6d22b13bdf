using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace DaprPlatform.Conformance.Tests;

/// <summary>
/// Dapr.AspNetCore's programmatic subscriptions (MapSubscribeHandler: WithTopic, [Topic], TopicOptions.Match/Priority,
/// DeadLetterTopic, [BulkSubscribe]) as daprd reads and delivers them. Every assertion is on what sdk-app recorded.
/// </summary>
[Collection(ConformanceCollection.Name)]
public sealed partial class SubscriptionTests(ConformanceFixture fixture)
{
    private const string PubSub = ConformanceFixture.PubSub;
    private DaprClient Client => fixture.Client;

    [Fact]
    public async Task The_sidecar_loads_every_subscription_the_SDKs_subscribe_handler_declares()
    {
        // The SDK answers GET /dapr/subscribe with camelCase "pubsubName", routes without a leading slash, v2 "routes.rules"
        // for Match, "deadLetterTopic", "bulkSubscribe"; daprd lists what it loaded in GET /v1.0/metadata "subscriptions"
        // (pkg/api/http/metadata.go: pubsubname, topic, rules[{match, path}], deadLetterTopic, type PROGRAMMATIC).
        var metadata = await fixture.SdkSidecarHttp.GetFromJsonAsync<JsonElement>("/v1.0/metadata");

        var loaded = metadata.TryGetProperty("subscriptions", out var list)
            ? list.EnumerateArray().Where(s => s.GetProperty("pubsubname").GetString() == PubSub).ToDictionary(s => s.GetProperty("topic").GetString()!)
            : [];
        loaded.Keys.Should().Contain(["orders", "raw-orders", "routed", "failing", "failing-dead", "dropped", "dropped-dead", "retry-once", "unknown-status", "not-found", "bulk", "attribute-topic"]);
        loaded["orders"].GetProperty("type").GetString().Should().Be("PROGRAMMATIC");
        loaded["failing"].GetProperty("deadLetterTopic").GetString().Should().Be("failing-dead");
        loaded["routed"].GetProperty("rules").EnumerateArray().Select(r => r.TryGetProperty("match", out var m) ? m.GetString() : "")
            .Should().Equal("event.type == \"widget.created\"", "event.type == \"widget.deleted\"", "");
        loaded["raw-orders"].GetProperty("metadata").GetProperty("rawPayload").GetString().Should().Be("true");
    }

    [Fact]
    public async Task A_Topic_attribute_on_a_controller_action_receives_the_topics_events()
    {
        var marker = Marker.New("attribute");
        await Client.PublishEventAsync(PubSub, "attribute-topic", new Widget(marker, 1));

        (await fixture.WaitForMarkedAsync("attribute-topic", marker)).Should().ContainSingle();
    }

    [Fact]
    public async Task Routing_rules_send_each_event_to_the_first_route_whose_match_holds_else_to_the_default()
    {
        // Rules in priority order; `event.type == "…"` against the CloudEvent; no match → the default route.
        var marker = Marker.New("routed");
        await Client.PublishEventAsync(PubSub, "routed", new Widget(marker + "-created", 1), Type("widget.created"));
        await Client.PublishEventAsync(PubSub, "routed", new Widget(marker + "-deleted", 2), Type("widget.deleted"));
        await Client.PublishEventAsync(PubSub, "routed", new Widget(marker + "-other", 3), Type("widget.other"));

        (await fixture.WaitForMarkedAsync("routed-created", marker)).Single().Body.Should().Contain(marker + "-created");
        (await fixture.WaitForMarkedAsync("routed-deleted", marker)).Single().Body.Should().Contain(marker + "-deleted");
        (await fixture.WaitForMarkedAsync("routed-default", marker)).Single().Body.Should().Contain(marker + "-other");

        static Dictionary<string, string> Type(string type) => new() { ["cloudevent.type"] = type };
    }

    [Fact]
    public async Task A_handler_that_keeps_failing_sends_the_message_to_its_dead_letter_topic_after_the_retries()
    {
        // Inbound resiliency retries (3 here), then the dead-letter topic gets the original message (pkg/runtime/subscription/subscription.go).
        var marker = Marker.New("failing");
        await Client.PublishEventAsync(PubSub, "failing", new Widget(marker, 1));

        var dead = (await fixture.WaitForMarkedAsync("failing-dead", marker)).Single();
        dead.Json.Deserialize<Widget>(JsonSerializerOptions.Web).Should().Be(new Widget(marker, 1));
        dead.Header("Cloudevent.id").Should().NotBeNullOrEmpty();
        (await fixture.RecordsAsync("failing")).Count(r => r.Body.Contains(marker, StringComparison.Ordinal))
            .Should().Be(4, "one delivery plus the policy's three retries before dead-lettering");
    }

    [Theory]
    [InlineData("dropped")] // {"status":"DROP"} → ErrMessageDropped (postman/http/http.go)
    [InlineData("not-found")] // 404 is daprd's one non-retriable app status → ErrMessageDropped (postman/http/http.go)
    public async Task A_dropped_message_is_not_retried_and_goes_to_the_dead_letter_topic(string topic)
    {
        // A dropped message is sent to the subscription's dead-letter topic when it has one (subscription.go).
        var marker = Marker.New(topic);
        await Client.PublishEventAsync(PubSub, topic, new Widget(marker, 1));

        (await fixture.WaitForMarkedAsync(topic + "-dead", marker)).Should().ContainSingle();
        (await fixture.RecordsAsync(topic)).Count(r => r.Body.Contains(marker, StringComparison.Ordinal)).Should().Be(1);
    }

    [Theory]
    [InlineData("retry-once")] // {"status":"RETRY"}
    [InlineData("unknown-status")] // {"status":"MAYBE"}: an unknown status is retried (postman/http/http.go)
    public async Task A_RETRY_or_unknown_status_redelivers_the_same_event(string topic)
    {
        var marker = Marker.New(topic);
        await Client.PublishEventAsync(PubSub, topic, new Widget(marker, 1));

        var deliveries = await fixture.WaitForMarkedAsync(topic, marker, count: 2);
        deliveries.Select(d => d.Header("Cloudevent.id")).Distinct().Should().ContainSingle("a redelivery is the same event");
    }

    [Fact]
    public async Task BulkSubscribe_honours_each_entrys_SUCCESS_RETRY_and_DROP()
    {
        // Bulk delivery: one POST per batch with entries; each entry's status decides its fate: SUCCESS done, RETRY redelivered,
        // DROP dropped (no dead-letter topic here). sdk-app records "n:STATUS" per received entry.
        var first = Random.Shared.Next(1, 100_000) * 3;
        var widgets = Enumerable.Range(first, 6).Select(n => new { n, id = Marker.New("bulk") }).ToList();
        var published = await Client.BulkPublishEventAsync(PubSub, "bulk", widgets);
        published.FailedEntries.Should().BeEmpty();

        bool Has(IReadOnlyList<Observed> rs, int n, string status) => rs.Any(r => r.Body == $"{n}:{status}");
        var records = await fixture.WaitForRecordsAsync("bulk", rs =>
            widgets.All(w => (w.n % 3) switch
            {
                0 => Has(rs, w.n, "SUCCESS"),
                1 => Has(rs, w.n, "RETRY") && Has(rs, w.n, "SUCCESS"),
                _ => Has(rs, w.n, "DROP"),
            }));

        foreach (var w in widgets)
        {
            var mine = records.Where(r => BulkEntry().Match(r.Body) is { Success: true } m && m.Groups[1].Value == w.n.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
            var expected = (w.n % 3) switch { 0 => new[] { "SUCCESS" }, 1 => ["RETRY", "SUCCESS"], _ => ["DROP"] };
            mine.Select(r => r.Body.Split(':')[1]).Should().Equal(expected, "entry n={0}", w.n);
        }
    }

    [GeneratedRegex("^(-?[0-9]+):")]
    private static partial Regex BulkEntry();
}
