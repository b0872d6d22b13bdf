using System.Text.Json;
using DaprPlatform.Sidecar.Tests.Infrastructure;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Sidecar.Tests.Client;

public sealed class PublishSecretsRuntimeWireTests
{
    private sealed record UserRegistered(Guid UserId, string Email);

    [Fact]
    public async Task Publish_posts_JSON_with_application_json_and_metadata_as_query()
    {
        // Pub/sub publish: POST /v1.0/publish/{pubsub}/{topic}?metadata.k=v, JSON content type → data embedded as JSON; 204.
        await using var sidecar = await FakeSidecar.StartAsync(204);
        var client = sidecar.CreateClient();
        var id = Guid.NewGuid();

        await client.PublishEventAsync("pubsub", "user.registered", new UserRegistered(id, "a@b.c"), new Dictionary<string, string> { ["ttlInSeconds"] = "120", ["cloudevent.id"] = "evt-1" });

        var request = sidecar.Single;
        request.Method.Should().Be("POST");
        request.Path.Should().Be("/v1.0/publish/pubsub/user.registered");
        request.Query.Should().Be("?metadata.ttlInSeconds=120&metadata.cloudevent.id=evt-1");
        request.Header("content-type").Should().Be("application/json");
        JsonDocument.Parse(request.Body).RootElement.GetProperty("userId").GetGuid().Should().Be(id);
    }

    [Fact]
    public async Task PublishRawJson_sends_the_json_verbatim()
    {
        await using var sidecar = await FakeSidecar.StartAsync(204);
        var client = sidecar.CreateClient();

        await client.PublishRawJsonAsync("pubsub", "t", """{"a":1}""");

        sidecar.Single.Body.Should().Be("""{"a":1}""");
        sidecar.Single.Header("content-type").Should().Be("application/json");
    }

    [Fact]
    public async Task Publish_to_an_unknown_pubsub_throws_with_the_Dapr_error()
    {
        // Pub/sub publish: pubsub not found → 404 ERR_PUBSUB_NOT_FOUND.
        await using var sidecar = await FakeSidecar.StartAsync(404, """{"errorCode":"ERR_PUBSUB_NOT_FOUND","message":"pubsub nope not found"}""");
        var client = sidecar.CreateClient();

        var publish = () => client.PublishEventAsync("nope", "t", 1);

        var error = (await publish.Should().ThrowAsync<SidecarException>()).Which;
        error.StatusCode.Should().Be(404);
        error.ErrorCode.Should().Be("ERR_PUBSUB_NOT_FOUND");
    }

    [Fact]
    public async Task Bulk_publish_sends_entries_and_returns_no_failures_on_204()
    {
        // Bulk publish: POST /v1.0-alpha1/publish/bulk/{pubsub}/{topic}, body [{entryId, event, contentType}] → 204.
        await using var sidecar = await FakeSidecar.StartAsync(204);
        var client = sidecar.CreateClient();

        var result = await client.BulkPublishEventAsync("pubsub", "orders", [new UserRegistered(Guid.Empty, "x"), new UserRegistered(Guid.Empty, "y")]);

        result.FailedEntries.Should().BeEmpty();
        sidecar.Single.Path.Should().Be("/v1.0-alpha1/publish/bulk/pubsub/orders");
        var entries = JsonDocument.Parse(sidecar.Single.Body).RootElement.EnumerateArray().ToList();
        entries.Select(e => e.GetProperty("entryId").GetString()).Should().Equal("0", "1");
        entries[1].GetProperty("event").GetProperty("email").GetString().Should().Be("y");
        entries[0].GetProperty("contentType").GetString().Should().Be("application/json");
    }

    [Fact]
    public async Task Bulk_publish_partial_failure_500_with_failedEntries_is_a_result()
    {
        // Bulk publish: partial failure → 500 {"failedEntries":[{entryId,error}],"errorCode":"ERR_PUBSUB_PUBLISH_MESSAGE"}.
        await using var sidecar = await FakeSidecar.StartAsync(500, """{"failedEntries":[{"entryId":"1","error":"broker down"}],"errorCode":"ERR_PUBSUB_PUBLISH_MESSAGE"}""");
        var client = sidecar.CreateClient();

        var result = await client.BulkPublishEventAsync("pubsub", "orders", [1, 2]);

        result.FailedEntries.Should().Equal(new BulkPublishFailure("1", "broker down"));
    }

    [Fact]
    public async Task Bulk_publish_forbidden_is_an_exception()
    {
        // Bulk publish: forbidden topic → 403.
        await using var sidecar = await FakeSidecar.StartAsync(403, """{"errorCode":"ERR_PUBSUB_FORBIDDEN","message":"no"}""");
        var client = sidecar.CreateClient();

        var publish = () => client.BulkPublishEventAsync("pubsub", "orders", [1]);

        (await publish.Should().ThrowAsync<SidecarException>()).Which.StatusCode.Should().Be(403);
    }

    [Fact]
    public async Task Secrets_single_and_bulk_read_the_documented_maps()
    {
        // Secrets API: GET /v1.0/secrets/{store}/{name} → {"k":"v"}; GET …/bulk → {"name":{"k":"v"}}.
        await using var sidecar = await FakeSidecar.StartAsync((ctx, req) => req.Path.EndsWith("/bulk", StringComparison.Ordinal)
            ? FakeSidecar.Respond(ctx, 200, """{"jwt":{"jwt":"key"},"db":{"db":"conn"}}""")
            : FakeSidecar.Respond(ctx, 200, """{"jwt":"key"}"""));
        var client = sidecar.CreateClient();

        var single = await client.GetSecretAsync("secretstore", "jwt", new Dictionary<string, string> { ["version_id"] = "2" });
        var bulk = await client.GetBulkSecretAsync("secretstore");

        single.Should().Equal(new Dictionary<string, string> { ["jwt"] = "key" });
        bulk.Keys.Should().BeEquivalentTo("jwt", "db");
        bulk["db"]["db"].Should().Be("conn");
        var first = sidecar.Requests.First();
        first.Path.Should().Be("/v1.0/secrets/secretstore/jwt");
        first.Query.Should().Be("?metadata.version_id=2");
    }

    [Fact]
    public async Task Missing_secret_204_is_an_empty_map()
    {
        // Secrets API: 204 → not found.
        await using var sidecar = await FakeSidecar.StartAsync(204);

        (await sidecar.CreateClient().GetSecretAsync("secretstore", "nope")).Should().BeEmpty();
    }

    [Fact]
    public async Task Metadata_reads_id_components_subscriptions_and_extended()
    {
        // Metadata API: GET /v1.0/metadata.
        await using var sidecar = await FakeSidecar.StartAsync(200, """
            {"id":"identity","runtimeVersion":"1.15.0","enabledFeatures":["HotReload"],
             "components":[{"name":"statestore","type":"state.postgresql","version":"v1","capabilities":["ETAG","TRANSACTIONAL"]}],
             "subscriptions":[{"pubsubname":"pubsub","topic":"user.registered","deadLetterTopic":"dlq","type":"PROGRAMMATIC","rules":[{"match":"","path":"/events/user-registered"}]}],
             "extended":{"appCommand":"dotnet run"},
             "appConnectionProperties":{"port":5001}}
            """);

        var metadata = await sidecar.CreateClient().GetMetadataAsync();

        metadata.Id.Should().Be("identity");
        metadata.RuntimeVersion.Should().Be("1.15.0");
        metadata.EnabledFeatures.Should().Equal("HotReload");
        metadata.Components.Single().Should().BeEquivalentTo(new SidecarComponent("statestore", "state.postgresql", "v1", ["ETAG", "TRANSACTIONAL"]));
        metadata.Subscriptions.Single().Rules.Single().Path.Should().Be("/events/user-registered");
        metadata.Subscriptions.Single().DeadLetterTopic.Should().Be("dlq");
        metadata.Extended["appCommand"].Should().Be("dotnet run");
        metadata.Raw.GetProperty("appConnectionProperties").GetProperty("port").GetInt32().Should().Be(5001);
        sidecar.Single.Path.Should().Be("/v1.0/metadata");
    }

    [Fact]
    public async Task Outbound_health_is_true_only_for_204()
    {
        // Health API: GET /v1.0/healthz/outbound → 204 when ready, 500 ERR_OUTBOUND_HEALTH_NOT_READY otherwise.
        await using var healthy = await FakeSidecar.StartAsync(204);
        await using var unhealthy = await FakeSidecar.StartAsync(500, """{"errorCode":"ERR_OUTBOUND_HEALTH_NOT_READY","message":"not ready"}""");
        var nobody = new SidecarClient(new HttpClient(), new SidecarOptions { HttpEndpoint = new Uri($"http://127.0.0.1:{FreeTcpPort.Next()}") });

        (await healthy.CreateClient().CheckOutboundHealthAsync()).Should().BeTrue();
        (await unhealthy.CreateClient().CheckOutboundHealthAsync()).Should().BeFalse();
        (await nobody.CheckOutboundHealthAsync()).Should().BeFalse();
        healthy.Single.Path.Should().Be("/v1.0/healthz/outbound");
    }

    [Fact]
    public async Task WaitForSidecar_retries_until_a_late_sidecar_is_healthy()
    {
        var port = FreeTcpPort.Next();
        var client = new SidecarClient(new HttpClient(), new SidecarOptions { HttpEndpoint = new Uri($"http://127.0.0.1:{port}") });

        var waiting = client.WaitForSidecarAsync(TimeSpan.FromSeconds(20));
        await Task.Delay(700);
        waiting.IsCompleted.Should().BeFalse();
        await using var sidecar = await FakeSidecar.StartAsync(204, port: port);

        await waiting.WaitAsync(TimeSpan.FromSeconds(20));
        sidecar.Requests.Should().NotBeEmpty();
    }

    [Fact]
    public async Task WaitForSidecar_gives_up_after_the_timeout()
    {
        // Health API: outbound stays 500 → the bounded wait ends in SidecarUnavailableException.
        await using var sidecar = await FakeSidecar.StartAsync(500);
        var client = sidecar.CreateClient();

        var wait = () => client.WaitForSidecarAsync(TimeSpan.FromMilliseconds(800));

        await wait.Should().ThrowAsync<SidecarUnavailableException>();
        sidecar.Requests.Count.Should().BeGreaterThan(1, "it retries with backoff before giving up");
    }
}
