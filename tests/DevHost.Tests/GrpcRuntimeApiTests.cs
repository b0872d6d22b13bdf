using Dapr;
using Dapr.Client;
using Grpc.Core;
using Grpc.Net.Client;

namespace DaprPlatform.DevHost.Tests;

/// <summary>
/// The runtime gRPC API (dapr.proto.runtime.v1.Dapr) driven by the unmodified official Dapr.Client, and checked against the
/// HTTP API of the same sidecar: both listeners sit on the same building-block code, so what one writes the other reads.
/// </summary>
[Collection("sidecar")]
public sealed class GrpcRuntimeApiTests(SidecarFixture f) : IDisposable
{
    private readonly DaprClient _client = ClientFor(f, "caller");

    private static DaprClient ClientFor(SidecarFixture f, string appId, string? token = null)
    {
        var app = f.Files.Host!.Apps.Single(a => a.AppId == appId);
        var builder = new DaprClientBuilder()
            .UseGrpcEndpoint($"http://127.0.0.1:{app.GrpcPort}")
            .UseHttpEndpoint($"http://127.0.0.1:{app.HttpPort}");
        if (token is not null) { builder.UseDaprApiToken(token); }
        return builder.Build();
    }

    private static string Key() => "g-" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => _client.Dispose();

    private sealed record Order(string Id, int Quantity);

    [Fact]
    public async Task SaveState_over_gRPC_is_read_back_over_gRPC_and_over_HTTP_with_the_same_ETag()
    {
        var key = Key();
        await _client.SaveStateAsync("statestore", key, new Order("o-1", 3));

        var (value, etag) = await _client.GetStateAndETagAsync<Order>("statestore", key);
        value.Should().Be(new Order("o-1", 3));
        etag.Should().NotBeNullOrEmpty();

        // One store behind both transports: the HTTP API returns the same value and version.
        using var http = await f.CallerSidecar.GetAsync($"/v1.0/state/statestore/{key}");
        http.StatusCode.Should().Be(HttpStatusCode.OK);
        http.Headers.GetValues("ETag").Single().Should().Be(etag);
        JsonDocument.Parse(await http.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString().Should().Be("o-1");
    }

    [Fact]
    public async Task A_value_saved_over_HTTP_is_read_over_gRPC_and_a_missing_key_is_the_default()
    {
        var key = Key();
        using var save = await f.CallerSidecar.PostAsync("/v1.0/state/statestore", SidecarFixture.Json($$$"""[{"key":"{{{key}}}","value":{"id":"h","quantity":9}}]"""));
        save.StatusCode.Should().Be(HttpStatusCode.NoContent);

        (await _client.GetStateAsync<Order>("statestore", key)).Should().Be(new Order("h", 9));
        (await _client.GetStateAsync<Order>("statestore", Key())).Should().BeNull("GetState of a missing key answers empty data, not an error");
    }

    [Fact]
    public async Task TrySaveState_with_a_stale_ETag_returns_false_because_a_mismatch_is_ABORTED()
    {
        var key = Key();
        await _client.SaveStateAsync("statestore", key, new Order("v1", 1));
        var (_, etag) = await _client.GetStateAndETagAsync<Order>("statestore", key);

        (await _client.TrySaveStateAsync("statestore", key, new Order("v2", 2), etag)).Should().BeTrue();
        // Dapr rule: the SDK turns only StatusCode.Aborted (daprd's code for an ETag mismatch) into false.
        (await _client.TrySaveStateAsync("statestore", key, new Order("v3", 3), etag)).Should().BeFalse();
        (await _client.TryDeleteStateAsync("statestore", key, etag)).Should().BeFalse();
        (await _client.GetStateAsync<Order>("statestore", key)).Should().Be(new Order("v2", 2));
    }

    [Fact]
    public async Task A_malformed_ETag_is_INVALID_ARGUMENT_not_a_conflict()
    {
        var key = Key();
        await _client.SaveStateAsync("statestore", key, new Order("v1", 1));

        // Dapr rule: state.postgresql reports a non-numeric ETag as ETagInvalid, which daprd maps to InvalidArgument.
        var act = () => _client.TrySaveStateAsync("statestore", key, new Order("v2", 2), "not-a-version");
        (await act.Should().ThrowAsync<DaprException>()).Which.InnerException.Should().BeOfType<RpcException>()
            .Which.StatusCode.Should().Be(StatusCode.InvalidArgument);
    }

    [Fact]
    public async Task A_transaction_applies_all_operations_or_none()
    {
        var keep = Key();
        var gone = Key();
        await _client.SaveStateAsync("statestore", gone, new Order("old", 1));
        var (_, goneETag) = await _client.GetStateAndETagAsync<Order>("statestore", gone);

        await _client.ExecuteStateTransactionAsync("statestore",
        [
            new StateTransactionRequest(keep, JsonSerializer.SerializeToUtf8Bytes(new Order("new", 2)), StateOperationType.Upsert),
            new StateTransactionRequest(gone, null, StateOperationType.Delete, goneETag),
        ]);
        (await _client.GetStateAsync<Order>("statestore", keep)).Should().Be(new Order("new", 2));
        (await _client.GetStateAsync<Order>("statestore", gone)).Should().BeNull();

        // A stale ETag in the second operation rolls back the first (ERR_STATE_TRANSACTION, INTERNAL).
        var untouched = Key();
        var act = () => _client.ExecuteStateTransactionAsync("statestore",
        [
            new StateTransactionRequest(untouched, JsonSerializer.SerializeToUtf8Bytes(new Order("x", 1)), StateOperationType.Upsert),
            new StateTransactionRequest(keep, JsonSerializer.SerializeToUtf8Bytes(new Order("y", 1)), StateOperationType.Upsert, goneETag),
        ]);
        (await act.Should().ThrowAsync<DaprException>()).Which.InnerException.Should().BeOfType<RpcException>()
            .Which.StatusCode.Should().Be(StatusCode.Internal);
        (await _client.GetStateAsync<Order>("statestore", untouched)).Should().BeNull();
    }

    [Fact]
    public async Task Bulk_get_returns_every_key_in_order_and_bulk_delete_removes_them()
    {
        var keys = new[] { Key(), Key(), Key() };
        await _client.SaveStateAsync("statestore", keys[0], new Order("a", 1));
        await _client.SaveStateAsync("statestore", keys[2], new Order("c", 3));

        var items = await _client.GetBulkStateAsync<Order>("statestore", keys, parallelism: 2);
        items.Select(i => i.Key).Should().Equal(keys);
        items[0].Value.Should().Be(new Order("a", 1));
        items[1].ETag.Should().BeNullOrEmpty("a missing key comes back without data or ETag");
        items[2].Value.Should().Be(new Order("c", 3));

        await _client.DeleteBulkStateAsync("statestore", [new BulkDeleteStateItem(keys[0], ""), new BulkDeleteStateItem(keys[2], "")]);
        (await _client.GetStateAsync<Order>("statestore", keys[0])).Should().BeNull();
        (await _client.GetStateAsync<Order>("statestore", keys[2])).Should().BeNull();
    }

    [Fact]
    public async Task TTL_metadata_expires_the_key_and_GetState_reports_ttlExpireTime()
    {
        var key = Key();
        await _client.SaveStateAsync("statestore", key, new Order("ttl", 1), metadata: new Dictionary<string, string> { ["ttlInSeconds"] = "1" });

        using var http = await f.CallerSidecar.GetAsync($"/v1.0/state/statestore/{key}");
        http.Headers.Contains("metadata.ttlExpireTime").Should().BeTrue();
        await Eventually.UntilAsync("the key to expire", ct => _client.GetStateAsync<Order>("statestore", key, cancellationToken: ct), v => v is null, TimeSpan.FromSeconds(10), v => $"{v}");
    }

    [Fact]
    public async Task Unknown_store_is_INVALID_ARGUMENT_as_in_daprd()
    {
        var act = () => _client.GetStateAsync<Order>("no-such-store", Key());
        (await act.Should().ThrowAsync<DaprException>()).Which.InnerException.Should().BeOfType<RpcException>()
            .Which.StatusCode.Should().Be(StatusCode.InvalidArgument);
    }

    [Fact]
    public async Task PublishEvent_over_gRPC_reaches_the_subscriber_in_a_CloudEvent()
    {
        var marker = Guid.NewGuid().ToString("N");
        await _client.PublishEventAsync("pubsub", "orders", new { orderId = 11, marker });

        var delivery = (await f.Target.WaitForAsync("/orders", 1, r => r.BodyText.Contains(marker, StringComparison.Ordinal))).Single().Json;
        delivery.GetProperty("source").GetString().Should().Be("caller");
        delivery.GetProperty("datacontenttype").GetString().Should().Be("application/json");
        delivery.GetProperty("data").GetProperty("orderId").GetInt32().Should().Be(11);
    }

    [Fact]
    public async Task BulkPublishEvent_over_gRPC_publishes_every_entry()
    {
        var marker = Guid.NewGuid().ToString("N");
        var response = await _client.BulkPublishEventAsync("pubsub", "orders", new[] { new { n = 1, marker }, new { n = 2, marker } });

        response.FailedEntries.Should().BeEmpty();
        (await f.Target.WaitForAsync("/orders", 2, r => r.BodyText.Contains(marker, StringComparison.Ordinal))).Should().HaveCount(2);
    }

    [Fact]
    public async Task Publish_to_an_unknown_pubsub_is_INVALID_ARGUMENT()
    {
        var act = () => _client.PublishEventAsync("nope", "orders", new { n = 1 });
        (await act.Should().ThrowAsync<DaprException>()).Which.InnerException.Should().BeOfType<RpcException>()
            .Which.StatusCode.Should().Be(StatusCode.InvalidArgument);
    }

    [Fact]
    public async Task Secrets_over_gRPC_follow_the_scopes_and_a_missing_key_is_an_error()
    {
        (await _client.GetSecretAsync("secretstore", "jwt:issuer")).Should().Contain("jwt:issuer", "me");

        var bulk = await _client.GetBulkSecretAsync("secretstore");
        bulk.Should().ContainKey("db").And.NotContainKey("number", "secrets.scopes denies it");

        var denied = () => _client.GetSecretAsync("secretstore", "number");
        (await denied.Should().ThrowAsync<DaprException>()).Which.InnerException.Should().BeOfType<RpcException>()
            .Which.StatusCode.Should().Be(StatusCode.PermissionDenied);

        // local.file answers a missing secret with an error: daprd's ERR_SECRET_GET is INTERNAL.
        var missing = () => _client.GetSecretAsync("secretstore", "no-such-secret");
        (await missing.Should().ThrowAsync<DaprException>()).Which.InnerException.Should().BeOfType<RpcException>()
            .Which.StatusCode.Should().Be(StatusCode.Internal);
    }

    [Fact]
    public async Task Metadata_over_gRPC_matches_the_HTTP_metadata_and_SetMetadata_is_visible_on_both()
    {
        await _client.SetMetadataAsync("grpc-attribute", "set-over-grpc");

        var metadata = await _client.GetMetadataAsync();
        metadata.Id.Should().Be("caller");
        metadata.Components.Select(c => c.Name).Should().Contain(["statestore", "pubsub", "secretstore"]);
        metadata.Extended.Should().Contain("grpc-attribute", "set-over-grpc");

        using var http = await f.CallerSidecar.GetAsync("/v1.0/metadata");
        var json = JsonDocument.Parse(await http.Content.ReadAsStringAsync()).RootElement;
        json.GetProperty("extended").GetProperty("grpc-attribute").GetString().Should().Be("set-over-grpc");
        json.GetProperty("components").GetArrayLength().Should().Be(metadata.Components.Count);
    }

    [Fact]
    public async Task The_api_token_guards_the_gRPC_API_too()
    {
        using var without = ClientFor(f, "secured");
        var act = () => without.GetStateAsync<Order>("statestore", Key());
        // Dapr rule: DAPR_API_TOKEN set → a call without dapr-api-token metadata is UNAUTHENTICATED.
        (await act.Should().ThrowAsync<DaprException>()).Which.InnerException.Should().BeOfType<RpcException>()
            .Which.StatusCode.Should().Be(StatusCode.Unauthenticated);

        using var with = ClientFor(f, "secured", SidecarFixture.SidecarToken);
        (await with.GetStateAsync<Order>("statestore", Key())).Should().BeNull();
    }

    [Fact]
    public async Task An_rpc_DevHost_does_not_serve_is_UNIMPLEMENTED()
    {
        var app = f.Files.Host!.Apps.Single(a => a.AppId == "caller");
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{app.GrpcPort}");
        var client = new Dapr.Client.Autogen.Grpc.v1.Dapr.DaprClient(channel);

        var act = async () => await client.TryLockAlpha1Async(new Dapr.Client.Autogen.Grpc.v1.TryLockRequest { StoreName = "lock", ResourceId = "r", LockOwner = "o", ExpiryInSeconds = 5 });
        (await act.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.Unimplemented);
    }

    [Fact]
    public async Task InvokeBinding_of_a_binding_that_is_not_served_fails_like_an_unknown_binding()
    {
        var act = () => _client.InvokeBindingAsync("no-binding", "create", new { a = 1 });
        (await act.Should().ThrowAsync<DaprException>()).Which.InnerException.Should().BeOfType<RpcException>()
            .Which.StatusCode.Should().Be(StatusCode.Internal);
    }

    [Fact]
    public async Task InvokeService_reaches_an_HTTP_app_with_verb_query_and_body_and_maps_a_non_2xx_answer()
    {
        f.Target.Handlers["/grpc-echo"] = r => (200, $$"""{"method":"{{r.Method}}","query":"{{r.Query}}","body":{{r.BodyText}}}""", "application/json");
        f.Target.Handlers["/grpc-missing"] = _ => (404, "no such thing", "text/plain");
        var app = f.Files.Host!.Apps.Single(a => a.AppId == "caller");
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{app.GrpcPort}");
        var client = new Dapr.Client.Autogen.Grpc.v1.Dapr.DaprClient(channel);

        var request = new Dapr.Client.Autogen.Grpc.v1.InvokeServiceRequest
        {
            Id = "target",
            Message = new Dapr.Client.Autogen.Grpc.v1.InvokeRequest
            {
                Method = "grpc-echo",
                ContentType = "application/json",
                Data = new Google.Protobuf.WellKnownTypes.Any { Value = Google.Protobuf.ByteString.CopyFromUtf8("""{"n":5}""") },
                HttpExtension = new Dapr.Client.Autogen.Grpc.v1.HTTPExtension { Verb = Dapr.Client.Autogen.Grpc.v1.HTTPExtension.Types.Verb.Put, Querystring = "a=1&b=2" },
            },
        };
        var response = await client.InvokeServiceAsync(request);
        var echoed = JsonDocument.Parse(response.Data.Value.ToStringUtf8()).RootElement;
        echoed.GetProperty("method").GetString().Should().Be("PUT");
        echoed.GetProperty("query").GetString().Should().Be("?a=1&b=2");
        echoed.GetProperty("body").GetProperty("n").GetInt32().Should().Be(5);
        // The callee gets the app token and the caller's id, as with HTTP invocation.
        var delivered = f.Target.To("/grpc-echo").Last();
        delivered.Headers["dapr-api-token"].Should().Be(SidecarFixture.AppToken);
        delivered.Headers["dapr-caller-app-id"].Should().Be("caller");

        request.Message.Method = "grpc-missing";
        var act = async () => await client.InvokeServiceAsync(request);
        // daprd: an HTTP 404 from the app becomes NOT_FOUND with dapr-http-status: 404.
        var error = (await act.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.NotFound);
        error.Trailers.GetValue("dapr-http-status").Should().Be("404");
    }

    [Fact]
    public async Task Workflow_management_rpcs_serve_the_same_API_as_the_HTTP_workflow_endpoints()
    {
        var app = f.Files.Host!.Apps.Single(a => a.AppId == "caller");
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{app.GrpcPort}");
        var client = new Dapr.Client.Autogen.Grpc.v1.Dapr.DaprClient(channel);
        var id = "grpc-wf-" + Guid.NewGuid().ToString("N")[..8];

        var started = await client.StartWorkflowBeta1Async(new Dapr.Client.Autogen.Grpc.v1.StartWorkflowRequest
        {
            InstanceId = id, WorkflowComponent = "dapr", WorkflowName = "NoWorkerHere", Input = Google.Protobuf.ByteString.CopyFromUtf8("\"in\""),
        });
        started.InstanceId.Should().Be(id);

        // No worker is connected, so the instance waits; the same instance is visible over HTTP.
        var state = await client.GetWorkflowBeta1Async(new Dapr.Client.Autogen.Grpc.v1.GetWorkflowRequest { InstanceId = id, WorkflowComponent = "dapr" });
        state.WorkflowName.Should().Be("NoWorkerHere");
        state.Properties["dapr.workflow.input"].Should().Be("\"in\"");
        using var http = await f.CallerSidecar.GetAsync($"/v1.0/workflows/dapr/{id}");
        JsonDocument.Parse(await http.Content.ReadAsStringAsync()).RootElement.GetProperty("runtimeStatus").GetString().Should().Be(state.RuntimeStatus);

        // daprd's errors (pkg/messages/predefined.go): unknown instance NOT_FOUND, unknown component / missing id / another app INVALID_ARGUMENT.
        async Task<StatusCode> CodeOf(Func<Task> call)
        {
            try
            {
                await call();
                return StatusCode.OK;
            }
            catch (RpcException ex)
            {
                return ex.StatusCode;
            }
        }

        (await CodeOf(async () => await client.GetWorkflowBeta1Async(new() { InstanceId = "nobody-" + id, WorkflowComponent = "dapr" }))).Should().Be(StatusCode.NotFound);
        (await CodeOf(async () => await client.GetWorkflowBeta1Async(new() { InstanceId = id, WorkflowComponent = "other" }))).Should().Be(StatusCode.InvalidArgument);
        (await CodeOf(async () => await client.PauseWorkflowBeta1Async(new() { InstanceId = "", WorkflowComponent = "dapr" }))).Should().Be(StatusCode.InvalidArgument);
        (await CodeOf(async () => await client.ResumeWorkflowBeta1Async(new() { InstanceId = id, WorkflowComponent = "dapr", AppId = "target" }))).Should().Be(StatusCode.InvalidArgument);
        (await CodeOf(async () => await client.PurgeWorkflowBeta1Async(new() { InstanceId = id, WorkflowComponent = "dapr" }))).Should().Be(StatusCode.Internal, "an unfinished workflow cannot be purged (ERR_PURGE_WORKFLOW)");
    }
}
