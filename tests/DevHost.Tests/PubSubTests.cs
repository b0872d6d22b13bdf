namespace DaprPlatform.DevHost.Tests;

[Collection("sidecar")]
public sealed class PubSubTests
{
    private readonly SidecarFixture f;

    public PubSubTests(SidecarFixture fixture)
    {
        f = fixture;

        // /failing answers according to data.mode, so each test's messages get their own behaviour.
        f.Target.Handlers["/failing"] = r =>
        {
            var mode = r.Json.GetProperty("data").GetProperty("mode").GetString();
            var marker = r.Json.GetProperty("data").GetProperty("marker").GetString();
            var seenBefore = f.Target.To("/failing").Count(x => x.Json.GetProperty("data").GetProperty("marker").GetString() == marker) > 1;
            return mode switch
            {
                "success" => (200, """{"status":"SUCCESS"}""", "application/json"),
                "empty" => (200, null, null),
                "retry" => (200, """{"status":"RETRY"}""", "application/json"),
                "retry-once" => seenBefore ? (200, """{"status":"SUCCESS"}""", "application/json") : (200, """{"status":"RETRY"}""", "application/json"),
                "drop" => (200, """{"status":"DROP"}""", "application/json"),
                "unknown" => (200, """{"status":"MAYBE"}""", "application/json"),
                _ => (500, "boom", "text/plain"),
            };
        };
        f.Target.Handlers["/missing"] = _ => (404, null, null);
    }

    private static string Marker() => Guid.NewGuid().ToString("N");

    private Task<HttpResponseMessage> PublishAsync(string topic, string body, string contentType, string query = "", string? traceparent = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v1.0/publish/pubsub/{topic}{query}") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (traceparent is not null) { request.Headers.Add("traceparent", traceparent); }
        return f.CallerSidecar.SendAsync(request);
    }

    private static Func<RecordedRequest, bool> WithMarker(string marker) => r => r.BodyText.Contains(marker, StringComparison.Ordinal);

    [Fact]
    public async Task Json_publish_is_delivered_in_a_CloudEvent_envelope_with_every_documented_field()
    {
        var marker = Marker();
        const string traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        using var publish = await PublishAsync("orders", $$$"""{"orderId":7,"marker":"{{{marker}}}"}""", "application/json", traceparent: traceparent);

        // Publish → 204.
        publish.StatusCode.Should().Be(HttpStatusCode.NoContent);
        var delivery = (await f.Target.WaitForAsync("/orders", 1, WithMarker(marker))).Should().ContainSingle().Subject;

        // Delivery: POST with Content-Type application/cloudevents+json, header pubsubname, traceparent from the event.
        delivery.Method.Should().Be("POST");
        delivery.Headers["content-type"].Should().StartWith("application/cloudevents+json");
        delivery.Headers["pubsubname"].Should().Be("pubsub");
        delivery.Headers["traceparent"].Should().Be(traceparent);
        delivery.Headers["dapr-api-token"].Should().Be(SidecarFixture.AppToken);

        // CloudEvent envelope table: id, source = publisher app id, type, specversion, topic, pubsubname, time, traceid = traceparent, datacontenttype, data as JSON.
        var ce = delivery.Json;
        Guid.TryParse(ce.GetProperty("id").GetString(), out _).Should().BeTrue();
        ce.GetProperty("source").GetString().Should().Be("caller");
        ce.GetProperty("type").GetString().Should().Be("com.dapr.event.sent");
        ce.GetProperty("specversion").GetString().Should().Be("1.0");
        ce.GetProperty("topic").GetString().Should().Be("orders");
        ce.GetProperty("pubsubname").GetString().Should().Be("pubsub");
        DateTimeOffset.TryParse(ce.GetProperty("time").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _).Should().BeTrue();
        ce.GetProperty("traceid").GetString().Should().Be(traceparent);
        ce.GetProperty("traceparent").GetString().Should().Be(traceparent);
        ce.GetProperty("datacontenttype").GetString().Should().Be("application/json");
        ce.GetProperty("data").GetProperty("orderId").GetInt32().Should().Be(7);
    }

    [Fact]
    public async Task Text_goes_into_data_as_a_string_and_binary_into_data_base64()
    {
        var marker = Marker();
        (await PublishAsync("orders", "hello " + marker, "text/plain")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var text = (await f.Target.WaitForAsync("/orders", 1, WithMarker(marker))).Single().Json;

        // Envelope: non-JSON text → data string; datacontenttype = the request's Content-Type.
        text.GetProperty("data").GetString().Should().Be("hello " + marker);
        text.GetProperty("datacontenttype").GetString().Should().Be("text/plain");

        var binaryMarker = Marker();
        (await PublishAsync("orders", "bin-" + binaryMarker, "application/octet-stream")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes("bin-" + binaryMarker));
        var binary = (await f.Target.WaitForAsync("/orders", 1, r => r.BodyText.Contains(b64, StringComparison.Ordinal))).Single().Json;

        // Envelope: binary content type → data_base64.
        binary.GetProperty("data_base64").GetString().Should().Be(b64);
        binary.TryGetProperty("data", out _).Should().BeFalse();
    }

    [Fact]
    public async Task Own_CloudEvent_keeps_its_fields_and_gets_topic_and_pubsubname()
    {
        var marker = Marker();
        var body = $$$"""{"specversion":"1.0","id":"my-id-{{{marker}}}","source":"my-source","type":"my.type","datacontenttype":"application/json","data":{"marker":"{{{marker}}}"}}""";
        (await PublishAsync("orders", body, "application/cloudevents+json")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var ce = (await f.Target.WaitForAsync("/orders", 1, WithMarker(marker))).Single().Json;

        // Own CloudEvent: existing fields kept, missing ones filled, topic/pubsubname always set.
        ce.GetProperty("id").GetString().Should().Be("my-id-" + marker);
        ce.GetProperty("source").GetString().Should().Be("my-source");
        ce.GetProperty("type").GetString().Should().Be("my.type");
        ce.GetProperty("topic").GetString().Should().Be("orders");
        ce.GetProperty("pubsubname").GetString().Should().Be("pubsub");
        ce.TryGetProperty("traceparent", out _).Should().BeTrue();
        ce.TryGetProperty("time", out _).Should().BeTrue();
    }

    [Fact]
    public async Task Cloudevent_metadata_overrides_and_ttl_sets_expiration()
    {
        var marker = Marker();
        (await PublishAsync("orders", $$$"""{"marker":"{{{marker}}}"}""", "application/json", "?metadata.cloudevent.id=fixed-" + marker + "&metadata.cloudevent.type=custom.type&metadata.ttlInSeconds=60"))
            .StatusCode.Should().Be(HttpStatusCode.NoContent);
        var ce = (await f.Target.WaitForAsync("/orders", 1, WithMarker(marker))).Single().Json;

        // metadata.cloudevent.* replace generated values; metadata.ttlInSeconds → expiration.
        ce.GetProperty("id").GetString().Should().Be("fixed-" + marker);
        ce.GetProperty("type").GetString().Should().Be("custom.type");
        DateTimeOffset.Parse(ce.GetProperty("expiration").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            .Should().BeAfter(TimeProvider.System.GetUtcNow().AddSeconds(30));
    }

    [Fact]
    public async Task Raw_payload_subscription_receives_the_bytes_in_data_base64_of_a_synthesised_event()
    {
        var marker = Marker();
        var raw = "raw-bytes-" + marker;
        (await PublishAsync("raw", raw, "application/octet-stream", "?metadata.rawPayload=true")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(raw));
        var ce = (await f.Target.WaitForAsync("/raw", 1, r => r.BodyText.Contains(b64, StringComparison.Ordinal))).Single().Json;

        // rawPayload: no envelope on publish; a rawPayload subscriber gets data_base64, datacontenttype application/octet-stream, source Dapr.
        ce.GetProperty("data_base64").GetString().Should().Be(b64);
        ce.GetProperty("datacontenttype").GetString().Should().Be("application/octet-stream");
        ce.GetProperty("source").GetString().Should().Be("Dapr");
    }

    private async Task<(int Deliveries, bool DeadLettered, IReadOnlyList<RecordedRequest> Attempts)> RunAsync(string mode, int expectedDeliveries, bool expectDead, string topic = "retry-then-dlq", string path = "/failing")
    {
        var marker = Marker();
        (await PublishAsync(topic, $$$"""{"mode":"{{{mode}}}","marker":"{{{marker}}}"}""", "application/json")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var attempts = await f.Target.WaitForAsync(path, expectedDeliveries, WithMarker(marker));
        var dead = expectDead ? await f.Target.WaitForAsync("/dead", 1, WithMarker(marker)) : [];

        // Give a wrongly scheduled extra attempt the chance to show up.
        await Task.Delay(700);
        return (f.Target.To(path).Count(WithMarker(marker)), f.Target.To("/dead").Any(WithMarker(marker)), attempts);
    }

    [Fact]
    public async Task Status_SUCCESS_acks_once()
        => (await RunAsync("success", 1, false)).Should().Match<(int D, bool Dead, IReadOnlyList<RecordedRequest> A)>(r => r.D == 1 && !r.Dead); // 2xx SUCCESS → ack

    [Fact]
    public async Task Two_hundred_with_an_empty_body_acks_once()
        => (await RunAsync("empty", 1, false)).Should().Match<(int D, bool Dead, IReadOnlyList<RecordedRequest> A)>(r => r.D == 1 && !r.Dead); // 2xx, empty body → SUCCESS

    [Fact]
    public async Task Status_RETRY_is_retried_with_the_policy_backoff_then_dead_lettered()
    {
        var (deliveries, dead, attempts) = await RunAsync("retry", 3, true);

        // RETRY → retried per resiliency inbound (constant 200ms, maxRetries 2) → then the deadLetterTopic.
        deliveries.Should().Be(3);
        dead.Should().BeTrue();
        (attempts[1].At - attempts[0].At).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(180));
    }

    [Fact]
    public async Task Status_RETRY_then_SUCCESS_is_delivered_without_dead_letter()
    {
        var (deliveries, dead, _) = await RunAsync("retry-once", 2, false);
        deliveries.Should().Be(2);
        dead.Should().BeFalse();
    }

    [Fact]
    public async Task Status_DROP_is_not_retried_and_goes_to_the_dead_letter_topic()
    {
        var (deliveries, dead, _) = await RunAsync("drop", 1, true);

        // DROP → dropped with a warning, sent to the dead letter topic if set.
        deliveries.Should().Be(1);
        dead.Should().BeTrue();
    }

    [Fact]
    public async Task Unknown_status_string_is_retried()
    {
        var (deliveries, dead, _) = await RunAsync("unknown", 3, true);

        // Any other status string → error, retried.
        deliveries.Should().Be(3);
        dead.Should().BeTrue();
    }

    [Fact]
    public async Task Status_code_500_is_retried_then_dead_lettered()
    {
        var (deliveries, dead, _) = await RunAsync("fail", 3, true);

        // Non-2xx other than 404 → retried; after the last retry → dead letter topic.
        deliveries.Should().Be(3);
        dead.Should().BeTrue();
    }

    [Fact]
    public async Task Status_code_404_is_dropped_without_retry_and_dead_lettered()
    {
        var (deliveries, dead, _) = await RunAsync("any", 1, true, "not-found", "/missing");

        // 404 → dropped (no retry), sent to the dead letter topic if set.
        deliveries.Should().Be(1);
        dead.Should().BeTrue();
    }

    [Fact]
    public async Task Routing_rules_are_evaluated_in_order_then_default()
    {
        var marker = Marker();
        async Task Send(string type, string kind) => (await PublishAsync("routed",
            $$$"""{"specversion":"1.0","id":"{{{Guid.NewGuid()}}}","source":"t","type":"{{{type}}}","datacontenttype":"application/json","data":{"kind":"{{{kind}}}","marker":"{{{marker}}}"}}""",
            "application/cloudevents+json")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        await Send("order.created", "big");
        await Send("order.created", "small");
        await Send("order.deleted", "big");

        // Declarative v2alpha1 routes: rules in order (CEL event.type / event.data.x equality with &&), then routes.default.
        (await f.Target.WaitForAsync("/routed/big", 1, WithMarker(marker))).Should().ContainSingle();
        (await f.Target.WaitForAsync("/routed/created", 1, WithMarker(marker))).Should().ContainSingle();
        (await f.Target.WaitForAsync("/routed/default", 1, WithMarker(marker))).Should().ContainSingle();
    }

    [Fact]
    public async Task Programmatic_v2_routes_from_dapr_subscribe_are_used()
    {
        var marker = Marker();
        (await PublishAsync("v2", $$$"""{"specversion":"1.0","id":"x-{{{marker}}}","source":"t","type":"special","data":{"marker":"{{{marker}}}"}}""", "application/cloudevents+json"))
            .StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await PublishAsync("v2", $$$"""{"marker":"{{{marker}}}"}""", "application/json")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        (await f.Target.WaitForAsync("/v2/special", 1, WithMarker(marker))).Should().ContainSingle();
        (await f.Target.WaitForAsync("/v2/default", 1, WithMarker(marker))).Should().ContainSingle();
    }

    [Fact]
    public async Task Unknown_pubsub_is_404_and_bulk_unknown_pubsub_is_400()
    {
        using var single = await PublishAsync("orders", "{}", "application/json").ContinueWith(_ => f.CallerSidecar.PostAsync("/v1.0/publish/nopubsub/orders", SidecarFixture.Json("{}"))).Unwrap();

        // Publish errors: unknown pubsub → 404 ERR_PUBSUB_NOT_FOUND (single), 400 (bulk).
        single.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await SidecarFixture.ErrorOf(single)).GetProperty("errorCode").GetString().Should().Be("ERR_PUBSUB_NOT_FOUND");
        using var bulk = await f.CallerSidecar.PostAsync("/v1.0-alpha1/publish/bulk/nopubsub/orders", SidecarFixture.Json("[]"));
        bulk.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/v1.0-alpha1/publish/bulk/pubsub/orders")]
    [InlineData("/v1.0/publish/bulk/pubsub/orders")]
    public async Task Bulk_publish_wraps_each_entry_and_returns_204(string path)
    {
        var marker = Marker();
        using var response = await f.CallerSidecar.PostAsync(path, SidecarFixture.Json($$$"""
            [{"entryId":"1","event":{"n":1,"marker":"{{{marker}}}"},"contentType":"application/json"},
             {"entryId":"2","event":"text {{{marker}}}","contentType":"text/plain"}]
            """));

        // Bulk publish: 204 when every entry succeeded; each entry is wrapped in its own CloudEvent.
        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        var delivered = await f.Target.WaitForAsync("/orders", 2, WithMarker(marker));
        delivered.Should().HaveCount(2);
        delivered.Select(d => d.Json.GetProperty("datacontenttype").GetString()).Should().BeEquivalentTo(["application/json", "text/plain"]);
    }
}
