namespace DaprPlatform.DevHost.Tests;

/// <summary>
/// Bulk subscribe against the shared sidecar fixture, whose "target" app subscribes with bulkSubscribe enabled programmatically
/// and declaratively (docs: pubsub-bulk "Subscribing messages in bulk"; pubsub_api "Expected HTTP Response for Bulk Subscribe").
/// </summary>
[Collection("sidecar")]
public sealed class BulkSubscribeTests
{
    private readonly SidecarFixture f;

    public BulkSubscribeTests(SidecarFixture fixture)
    {
        f = fixture;

        // Each entry's data.mode says how the app answers for it; "omit" leaves the entry out of statuses.
        f.Target.Handlers["/bulk/statuses"] = r =>
        {
            var statuses = r.Json.GetProperty("entries").EnumerateArray()
                .Select(e => (Id: e.GetProperty("entryId").GetString()!, Mode: e.GetProperty("event").GetProperty("data").GetProperty("mode").GetString()))
                .Where(e => e.Mode != "omit")
                .Select(e => new { entryId = e.Id, status = e.Mode!.ToUpperInvariant() });
            return (200, JsonSerializer.Serialize(new { statuses }), "application/json");
        };
        f.Target.Handlers["/bulk/missing"] = _ => (404, null, null);
        f.Target.Handlers["/bulk/broken"] = _ => (500, "boom", "text/plain");
    }

    private static string Marker() => Guid.NewGuid().ToString("N");

    /// <summary>One bulk publish, so every message is in the broker before any batch window closes.</summary>
    private async Task PublishAsync(string topic, IEnumerable<object> data, string query = "")
    {
        var entries = data.Select((d, i) => new { entryId = i.ToString(System.Globalization.CultureInfo.InvariantCulture), @event = d, contentType = "application/json" });
        using var response = await f.CallerSidecar.PostAsync($"/v1.0-alpha1/publish/bulk/pubsub/{topic}{query}", new StringContent(JsonSerializer.Serialize(entries), Encoding.UTF8, "application/json"));
        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    private static Func<RecordedRequest, bool> WithMarker(string marker) => r => r.BodyText.Contains(marker, StringComparison.Ordinal);

    private static List<JsonElement> Entries(RecordedRequest r) => r.Json.GetProperty("entries").EnumerateArray().ToList();

    private static int Deliveries(IEnumerable<RecordedRequest> requests, string value)
        => requests.SelectMany(Entries).Count(e => e.GetProperty("event").GetRawText().Contains(value, StringComparison.Ordinal));

    [Fact]
    public async Task A_batch_is_one_POST_with_the_documented_bulk_body()
    {
        var marker = Marker();
        await PublishAsync("bulk-window", [new { marker, n = 1 }, new { marker, n = 2 }]);
        var request = (await f.Target.WaitForAsync("/bulk/window", 1, WithMarker(marker))).Should().ContainSingle().Subject;

        // Bulk subscribe body: {id, type: com.dapr.event.sent.bulk, topic, pubsubname, metadata, entries:[{entryId, event, metadata, contentType}]}.
        request.Method.Should().Be("POST");
        var body = request.Json;
        body.GetProperty("id").GetString().Should().NotBeNullOrEmpty();
        body.GetProperty("type").GetString().Should().Be("com.dapr.event.sent.bulk");
        body.GetProperty("topic").GetString().Should().Be("bulk-window");
        body.GetProperty("pubsubname").GetString().Should().Be("pubsub");
        body.GetProperty("metadata").ValueKind.Should().Be(JsonValueKind.Object);
        var entries = Entries(request);
        entries.Should().HaveCount(2);
        entries.Select(e => e.GetProperty("entryId").GetString()).Should().OnlyHaveUniqueItems().And.NotContainNulls();
        foreach (var entry in entries)
        {
            // CloudEvent entries carry the event object and contentType application/cloudevents+json.
            entry.GetProperty("contentType").GetString().Should().Be("application/cloudevents+json");
            entry.GetProperty("metadata").ValueKind.Should().Be(JsonValueKind.Object);
            var ce = entry.GetProperty("event");
            ce.GetProperty("specversion").GetString().Should().Be("1.0");
            ce.GetProperty("topic").GetString().Should().Be("bulk-window");
            ce.GetProperty("data").GetProperty("marker").GetString().Should().Be(marker);
        }

        entries.Select(e => e.GetProperty("event").GetProperty("data").GetProperty("n").GetInt32()).Should().BeEquivalentTo([1, 2]);
    }

    [Fact]
    public async Task A_batch_closes_at_maxMessagesCount()
    {
        var marker = Marker();
        await PublishAsync("bulk-count", Enumerable.Range(0, 7).Select(n => (object)new { marker, n }));
        var batches = await f.Target.WaitForAsync("/bulk/count", 2, WithMarker(marker));

        // maxMessagesCount 3 (await window 60 s): two full batches go out at once; the seventh message waits for its window.
        batches.Should().HaveCount(2);
        batches.Should().OnlyContain(b => Entries(b).Count == 3);
        batches.SelectMany(Entries).Select(e => e.GetProperty("event").GetProperty("data").GetProperty("n").GetInt32()).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task Per_entry_statuses_SUCCESS_DROP_RETRY_and_a_missing_entry_are_each_handled()
    {
        var marker = Marker();
        await PublishAsync("bulk-statuses", [
            new { marker, mode = "success", id = "s-" + marker },
            new { marker, mode = "drop", id = "d-" + marker },
            new { marker, mode = "retry", id = "r-" + marker },
            new { marker, mode = "omit", id = "o-" + marker }]);

        var dead = await f.Target.WaitForAsync("/bulk-dead", 3, WithMarker(marker));

        // Give a wrongly scheduled extra attempt the chance to show up.
        await Task.Delay(700);
        var deliveries = f.Target.To("/bulk/statuses").Where(WithMarker(marker)).ToList();
        dead = f.Target.To("/bulk-dead").Where(WithMarker(marker)).ToList();

        // SUCCESS → acked once, never dead-lettered.
        Deliveries(deliveries, "s-" + marker).Should().Be(1);
        dead.Any(WithMarker("s-" + marker)).Should().BeFalse();

        // DROP → not retried, to the dead-letter topic.
        Deliveries(deliveries, "d-" + marker).Should().Be(1);
        dead.Count(WithMarker("d-" + marker)).Should().Be(1);

        // RETRY, and an entry missing from statuses (counts as RETRY) → resiliency inbound (maxRetries 2), then the dead-letter topic.
        Deliveries(deliveries, "r-" + marker).Should().Be(3);
        Deliveries(deliveries, "o-" + marker).Should().Be(3);
        dead.Count(WithMarker("r-" + marker)).Should().Be(1);
        dead.Count(WithMarker("o-" + marker)).Should().Be(1);

        // Retried entries travel together, without the entries already settled.
        deliveries.Skip(1).Should().OnlyContain(d => Entries(d).Count == 2);
    }

    [Fact]
    public async Task Reply_404_drops_every_entry_without_retry()
    {
        var marker = Marker();
        await PublishAsync("bulk-404", [new { marker, n = 1 }, new { marker, n = 2 }]);
        await f.Target.WaitForAsync("/bulk-dead", 2, WithMarker(marker));
        await Task.Delay(700);

        // Bulk response: 404 → all entries dropped (to the dead-letter topic), no retry.
        f.Target.To("/bulk/missing").Where(WithMarker(marker)).Should().ContainSingle();
        f.Target.To("/bulk-dead").Count(WithMarker(marker)).Should().Be(2);
    }

    [Fact]
    public async Task Reply_500_retries_every_entry_then_dead_letters_each()
    {
        var marker = Marker();
        await PublishAsync("bulk-500", [new { marker, n = 1 }, new { marker, n = 2 }]);
        await f.Target.WaitForAsync("/bulk-dead", 2, WithMarker(marker));
        await Task.Delay(700);

        // Bulk response: any other non-2xx → all entries retried (maxRetries 2 → 3 attempts), then each dead-lettered.
        var attempts = f.Target.To("/bulk/broken").Where(WithMarker(marker)).ToList();
        attempts.Should().HaveCount(3);
        attempts.Should().OnlyContain(a => Entries(a).Count == 2);
        f.Target.To("/bulk-dead").Count(WithMarker(marker)).Should().Be(2);
    }

    [Fact]
    public async Task Declarative_bulk_subscription_sends_entries_for_different_routes_in_different_batches()
    {
        var marker = Marker();
        var entries = new[]
        {
            new { entryId = "1", @event = (object)new { specversion = "1.0", id = "a-" + marker, source = "test", type = "big", data = new { marker } }, contentType = "application/cloudevents+json" },
            new { entryId = "2", @event = (object)new { specversion = "1.0", id = "b-" + marker, source = "test", type = "small", data = new { marker } }, contentType = "application/cloudevents+json" },
            new { entryId = "3", @event = (object)new { specversion = "1.0", id = "c-" + marker, source = "test", type = "big", data = new { marker } }, contentType = "application/cloudevents+json" },
        };
        using var response = await f.CallerSidecar.PostAsync("/v1.0-alpha1/publish/bulk/pubsub/bulk-routed", new StringContent(JsonSerializer.Serialize(entries), Encoding.UTF8, "application/json"));
        response.StatusCode.Should().Be(HttpStatusCode.NoContent);

        var big = (await f.Target.WaitForAsync("/bulk/routed/big", 1, WithMarker(marker))).Should().ContainSingle().Subject;
        var other = (await f.Target.WaitForAsync("/bulk/routed/default", 1, WithMarker(marker))).Should().ContainSingle().Subject;

        // Routing rules apply per entry (spec.routes in a v2alpha1 Subscription with spec.bulkSubscribe).
        Entries(big).Select(e => e.GetProperty("event").GetProperty("id").GetString()).Should().BeEquivalentTo(["a-" + marker, "c-" + marker]);
        Entries(other).Select(e => e.GetProperty("event").GetProperty("id").GetString()).Should().BeEquivalentTo(["b-" + marker]);
    }

    [Fact]
    public async Task Raw_payload_entries_carry_base64_bytes_as_octet_stream()
    {
        var marker = Marker();
        using var publish = await f.CallerSidecar.PostAsync("/v1.0/publish/pubsub/bulk-raw?metadata.rawPayload=true", new StringContent("raw-" + marker, Encoding.UTF8, "text/plain"));
        publish.StatusCode.Should().Be(HttpStatusCode.NoContent);
        var b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes("raw-" + marker));
        var request = (await f.Target.WaitForAsync("/bulk/raw", 1, r => r.BodyText.Contains(b64, StringComparison.Ordinal))).Should().ContainSingle().Subject;

        // rawPayload bulk entries: event = base64 of the payload, contentType application/octet-stream.
        var entry = Entries(request).Should().ContainSingle().Subject;
        entry.GetProperty("event").GetString().Should().Be(b64);
        entry.GetProperty("contentType").GetString().Should().Be("application/octet-stream");
    }

    [Fact]
    public async Task Entries_whose_ttl_expired_while_the_batch_waited_are_never_delivered()
    {
        var marker = Marker();
        await PublishAsync("bulk-ttl", [new { marker, n = 1 }], "?metadata.ttlInSeconds=1");
        await PublishAsync("bulk-ttl", [new { marker, n = 2 }]);
        var request = (await f.Target.WaitForAsync("/bulk/ttl", 1, WithMarker(marker))).Should().ContainSingle().Subject;

        // ttlInSeconds: the entry expired (1 s) before the 2.5 s window closed, so only the other one goes out.
        Entries(request).Should().ContainSingle().Which.GetProperty("event").GetProperty("data").GetProperty("n").GetInt32().Should().Be(2);
    }

    [Fact]
    public async Task Disabled_bulkSubscribe_keeps_one_CloudEvent_per_request()
    {
        var marker = Marker();
        await PublishAsync("bulk-disabled", [new { marker, n = 1 }, new { marker, n = 2 }]);
        var requests = await f.Target.WaitForAsync("/bulk/disabled", 2, WithMarker(marker));

        // bulkSubscribe.enabled false → normal delivery: each request is one CloudEvent.
        requests.Should().HaveCount(2);
        requests.Should().OnlyContain(r => r.Headers["content-type"].StartsWith("application/cloudevents+json", StringComparison.Ordinal) && r.Json.GetProperty("specversion").GetString() == "1.0");
    }
}
