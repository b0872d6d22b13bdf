using System.Text;

namespace DaprPlatform.Conformance.Tests;

/// <summary>
/// DaprClient's publish API, observed at sdk-app's subscribers (Dapr.AspNetCore's UseCloudEvents unwraps the CloudEvent and,
/// with ForwardCloudEventPropertiesAsHeaders, hands the envelope's attributes on as Cloudevent.* headers — all but
/// datacontenttype, pubsubname and traceparent, which the middleware leaves out; the rawPayload tests see the whole envelope).
/// </summary>
[Collection(ConformanceCollection.Name)]
public sealed class PubSubTests(ConformanceFixture fixture)
{
    private const string PubSub = ConformanceFixture.PubSub;
    private DaprClient Client => fixture.Client;

    [Fact]
    public async Task PublishEvent_wraps_JSON_data_in_a_CloudEvent_with_daprs_attributes()
    {
        // daprd's envelope (pkg/runtime/pubsub/cloudevents.go): type com.dapr.event.sent, source = publishing app id, topic, pubsubname.
        var marker = Marker.New("orders");
        await Client.PublishEventAsync(PubSub, "orders", new Widget(marker, 1));

        var received = (await fixture.WaitForMarkedAsync("orders", marker)).Single();
        received.Json.Deserialize<Widget>(JsonSerializerOptions.Web).Should().Be(new Widget(marker, 1));
        received.ContentType.Should().StartWith("application/json");
        received.Header("Cloudevent.type").Should().Be("com.dapr.event.sent");
        received.Header("Cloudevent.source").Should().Be(ConformanceFixture.SdkAppId);
        received.Header("Cloudevent.topic").Should().Be("orders");
        received.Header("Cloudevent.specversion").Should().Be("1.0");
        received.Header("Cloudevent.id").Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task Metadata_cloudevent_overrides_replace_the_envelopes_attributes()
    {
        // "cloudevent.*" publish metadata overrides id, source, type, subject (pkg/runtime/pubsub/cloudevents.go).
        var marker = Marker.New("override");
        var id = Guid.NewGuid().ToString();
        await Client.PublishEventAsync(PubSub, "orders", new Widget(marker, 2), new Dictionary<string, string>
        {
            ["cloudevent.id"] = id,
            ["cloudevent.source"] = "conformance-suite",
            ["cloudevent.type"] = "widget.updated",
            ["cloudevent.subject"] = "widgets/2",
        });

        var received = (await fixture.WaitForMarkedAsync("orders", marker)).Single();
        received.Header("Cloudevent.id").Should().Be(id);
        received.Header("Cloudevent.source").Should().Be("conformance-suite");
        received.Header("Cloudevent.type").Should().Be("widget.updated");
        received.Header("Cloudevent.subject").Should().Be("widgets/2");
    }

    [Fact]
    public async Task Publish_metadata_ttlInSeconds_stamps_an_expiration_on_the_envelope()
    {
        // pubsub.redis has no native message TTL, so daprd writes "expiration" (now + ttl, RFC 3339) into the CloudEvent
        // (components-contrib pubsub/envelope.go ApplyMetadata); an expired message is not delivered.
        var marker = Marker.New("ttl");
        var before = DateTimeOffset.UtcNow;
        await Client.PublishEventAsync(PubSub, "orders", new Widget(marker, 6), new Dictionary<string, string> { ["ttlInSeconds"] = "600" });

        var received = (await fixture.WaitForMarkedAsync("orders", marker)).Single();
        var expiration = DateTimeOffset.Parse(received.Header("Cloudevent.expiration")!, System.Globalization.CultureInfo.InvariantCulture);
        expiration.Should().BeCloseTo(before.AddSeconds(600), TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_text_payload_keeps_its_content_type_and_arrives_as_text()
    {
        // Non-JSON data is carried as a JSON string in "data" with its datacontenttype; UseCloudEvents hands the text on.
        var marker = Marker.New("text");
        await Client.PublishByteEventAsync(PubSub, "orders", Encoding.UTF8.GetBytes($"plain words {marker}"), "text/plain");

        var received = (await fixture.WaitForMarkedAsync("orders", marker)).Single();
        received.Body.Should().Be($"plain words {marker}");
        received.ContentType.Should().StartWith("text/plain");
    }

    [Fact]
    public async Task A_structured_CloudEvent_keeps_its_own_id_type_and_source()
    {
        // Data with content type application/cloudevents+json is used as the envelope, daprd only adds what is missing.
        var marker = Marker.New("structured");
        var cloudEvent = new CloudEvent<Widget>(new Widget(marker, 3))
        {
            Type = "widget.structured",
            Source = new Uri("urn:conformance:structured"),
            Subject = "structured",
        };
        await Client.PublishEventAsync(PubSub, "orders", cloudEvent);

        var received = (await fixture.WaitForMarkedAsync("orders", marker)).Single();
        received.Json.Deserialize<Widget>(JsonSerializerOptions.Web).Should().Be(new Widget(marker, 3));
        received.Header("Cloudevent.type").Should().Be("widget.structured");
        received.Header("Cloudevent.source").Should().Be("urn:conformance:structured");
        received.Header("Cloudevent.subject").Should().Be("structured");
        received.Header("Cloudevent.topic").Should().Be("orders");
    }

    [Fact]
    public async Task RawPayload_publish_to_a_rawPayload_subscription_delivers_exactly_the_published_bytes()
    {
        // Publish metadata rawPayload=true: no envelope in the broker; a rawPayload subscription gets the bytes wrapped as
        // data_base64 (pkg/runtime/pubsub: FromRawPayload), which UseCloudEvents decodes back to the bytes.
        var marker = Marker.New("raw");
        await Client.PublishEventAsync(PubSub, "raw-orders", new Widget(marker, 4), new Dictionary<string, string> { ["rawPayload"] = "true" });

        var received = (await fixture.WaitForMarkedAsync("raw-orders", marker)).Single();
        received.Json.Deserialize<Widget>(JsonSerializerOptions.Web).Should().Be(new Widget(marker, 4));
        received.Json.TryGetProperty("specversion", out _).Should().BeFalse("the publisher sent no envelope");
    }

    [Fact]
    public async Task A_rawPayload_subscription_receives_a_normally_published_event_as_its_whole_CloudEvent()
    {
        var marker = Marker.New("raw-ce");
        await Client.PublishEventAsync(PubSub, "raw-orders", new Widget(marker, 5));

        var envelope = (await fixture.WaitForMarkedAsync("raw-orders", marker)).Single().Json;
        envelope.GetProperty("specversion").GetString().Should().Be("1.0");
        envelope.GetProperty("topic").GetString().Should().Be("raw-orders");
        envelope.GetProperty("pubsubname").GetString().Should().Be(PubSub);
        envelope.GetProperty("type").GetString().Should().Be("com.dapr.event.sent");
        envelope.GetProperty("source").GetString().Should().Be(ConformanceFixture.SdkAppId);
        envelope.GetProperty("datacontenttype").GetString().Should().Be("application/json");
        envelope.GetProperty("data").Deserialize<Widget>(JsonSerializerOptions.Web).Should().Be(new Widget(marker, 5));
    }

    [Fact]
    public async Task BulkPublishEvent_publishes_every_entry_and_reports_no_failed_entries()
    {
        // The SDK asks gRPC reflection which of BulkPublishEvent / BulkPublishEventAlpha1 the runtime has, then calls it.
        var marker = Marker.New("bulk-publish");
        var widgets = Enumerable.Range(0, 3).Select(i => new Widget($"{marker}-{i}", i)).ToList();

        var result = await Client.BulkPublishEventAsync(PubSub, "orders", widgets);

        result.FailedEntries.Should().BeEmpty();
        var received = await fixture.WaitForMarkedAsync("orders", marker, count: 3);
        received.Select(r => r.Json.Deserialize<Widget>(JsonSerializerOptions.Web)).Should().BeEquivalentTo(widgets);
        received.Should().OnlyContain(r => r.Header("Cloudevent.type") == "com.dapr.event.sent");
    }

    [Fact]
    public async Task BulkPublishEvent_of_byte_arrays_delivers_each_entrys_bytes()
    {
        // byte[] entries go out as application/octet-stream; the subscriber's CloudEvent carries them as data_base64,
        // which UseCloudEvents decodes back to the bytes.
        var marker = Marker.New("bulk-bytes");
        var payloads = Enumerable.Range(0, 2).Select(i => Encoding.UTF8.GetBytes($"bytes {marker} {i}")).ToList();

        var result = await Client.BulkPublishEventAsync(PubSub, "orders", payloads);

        result.FailedEntries.Should().BeEmpty();
        var received = await fixture.WaitForMarkedAsync("orders", marker, count: 2);
        received.Select(r => r.Body).Should().BeEquivalentTo([$"bytes {marker} 0", $"bytes {marker} 1"]);
        received.Should().OnlyContain(r => r.ContentType == "application/octet-stream");
    }

    [Fact]
    public async Task Publishing_to_an_unknown_pubsub_fails_with_InvalidArgument()
    {
        // ERR_PUBSUB_NOT_FOUND: gRPC InvalidArgument (pkg/api/errors/pubsub.go NotFound).
        await DaprAssertions.ShouldFailWithAsync(() => Client.PublishEventAsync("no-such-pubsub", "orders", new Widget("x", 0)), StatusCode.InvalidArgument);
    }
}
