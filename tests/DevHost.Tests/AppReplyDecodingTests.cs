namespace DaprPlatform.DevHost.Tests;

/// <summary>
/// daprd decodes what an app answers its sidecar — GET /dapr/subscribe, GET /dapr/config, delivery replies — with Go's
/// encoding/json into tagged structs, which matches field names case-insensitively (daprd pkg/runtime/pubsub/subscriptions.go,
/// pkg/channel/http/http_channel.go GetAppConfig, pkg/runtime/subscription/postman/http/http.go). The official
/// Dapr.AspNetCore answers GET /dapr/subscribe in camelCase ("pubsubName"), so a case-sensitive reader drops every
/// subscription. The status values themselves (SUCCESS/RETRY/DROP) are compared as sent.
/// </summary>
public sealed class AppReplyDecodingTests : IAsyncLifetime
{
    private readonly int _pubHttp = FreeTcpPort.Next();
    private readonly int _subPort = FreeTcpPort.Next();
    private readonly int _subHttp = FreeTcpPort.Next();
    private TestHost _files = null!;
    private FakeApp _sub = null!;
    private HttpClient _pub = null!;

    // What Dapr.AspNetCore 1.19.1 MapSubscribeHandler writes (JsonNamingPolicy.CamelCase, nulls left out, routes
    // without a leading slash), plus the same fields in PascalCase and upper case.
    private const string Subscriptions = """
        [
          {"topic":"sdk-orders","pubsubName":"pubsub","route":"orders","metadata":{"rawPayload":"false"},"deadLetterTopic":"sdk-dead"},
          {"Topic":"sdk-routed","PubsubName":"pubsub","Routes":{"Rules":[{"Match":"event.type == \"special\"","Path":"routed/special"}],"Default":"routed/default"}},
          {"TOPIC":"sdk-bulk","PUBSUBNAME":"pubsub","ROUTE":"bulk","BULKSUBSCRIBE":{"ENABLED":true,"MAXMESSAGESCOUNT":2,"MAXAWAITDURATIONMS":60000}},
          {"topic":"replies","pubsubName":"pubsub","route":"replies","deadLetterTopic":"sdk-dead"},
          {"topic":"bulk-replies","pubsubName":"pubsub","route":"bulk-replies","bulkSubscribe":{"enabled":true,"maxMessagesCount":1,"maxAwaitDurationMs":100}},
          {"topic":"sdk-dead","pubsubName":"pubsub","route":"dead"}
        ]
        """;

    public async Task InitializeAsync()
    {
        _files = TestHost.Create(new Dictionary<string, string>
        {
            ["dapr.yaml"] = Yaml.RunFile(("pub", FreeTcpPort.Next(), _pubHttp, ""), ("sub", _subPort, _subHttp, "")),
            ["pub/.keep"] = "",
            ["sub/.keep"] = "",
            ["components/pubsub.yaml"] = Yaml.PubSub,
            ["components/resiliency.yaml"] = Yaml.QuickInboundRetry,
        });
        _sub = await FakeApp.StartAsync(_subPort);
        _sub.Handlers["/dapr/subscribe"] = _ => (200, Subscriptions, "application/json");
        _sub.Handlers["/dapr/config"] = _ => (200, """
            {"Entities":["CaseActor","OtherActor"],"ACTORIDLETIMEOUT":"1s","actorscaninterval":"100ms",
             "Reentrancy":{"Enabled":true,"MaxStackDepth":4},
             "EntitiesConfig":[{"Entities":["OtherActor"],"ActorIdleTimeout":"1h","Reentrancy":{"ENABLED":false}}]}
            """, "application/json");
        await _files.StartAsync();
        _pub = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_pubHttp}") };
    }

    public async Task DisposeAsync()
    {
        _pub.Dispose();
        await _files.DisposeAsync();
        await _sub.DisposeAsync();
    }

    private async Task PublishAsync(string topic, object data)
    {
        using var response = await _pub.PostAsync($"/v1.0/publish/pubsub/{topic}", SidecarFixture.Json(JsonSerializer.Serialize(data)));
        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    private static string Marker() => Guid.NewGuid().ToString("N");

    private static Func<RecordedRequest, bool> WithMarker(string marker) => r => r.BodyText.Contains(marker, StringComparison.Ordinal);

    [Fact]
    public async Task Subscriptions_in_camelCase_as_Dapr_AspNetCore_writes_them_or_in_any_other_case_are_loaded()
    {
        using var sidecar = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_subHttp}") };
        var subscriptions = JsonDocument.Parse(await sidecar.GetStringAsync("/v1.0/metadata")).RootElement.GetProperty("subscriptions")
            .EnumerateArray().ToDictionary(s => s.GetProperty("topic").GetString()!);

        subscriptions.Keys.Should().BeEquivalentTo(["sdk-orders", "sdk-routed", "sdk-bulk", "replies", "bulk-replies", "sdk-dead"]);
        subscriptions["sdk-orders"].GetProperty("pubsubname").GetString().Should().Be("pubsub");
        subscriptions["sdk-orders"].GetProperty("deadLetterTopic").GetString().Should().Be("sdk-dead");
        subscriptions["sdk-orders"].GetProperty("metadata").GetProperty("rawPayload").GetString().Should().Be("false", "metadata keys are map keys: kept as sent");
        subscriptions["sdk-routed"].GetProperty("rules").EnumerateArray().Select(r => (r.GetProperty("match").GetString(), r.GetProperty("path").GetString()))
            .Should().Equal(("event.type == \"special\"", "routed/special"), ("", "routed/default"));

        // Deliveries follow them: route, routing rules, bulk settings.
        var marker = Marker();
        await PublishAsync("sdk-orders", new { marker });
        (await _sub.WaitForAsync("/orders", 1, WithMarker(marker))).Should().ContainSingle();

        using (var special = new HttpRequestMessage(HttpMethod.Post, "/v1.0/publish/pubsub/sdk-routed")
        {
            Content = SidecarFixture.Json($$$"""{"specversion":"1.0","id":"{{{marker}}}","source":"test","type":"special","data":{"marker":"{{{marker}}}"}}"""),
        })
        {
            special.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/cloudevents+json");
            (await _pub.SendAsync(special)).StatusCode.Should().Be(HttpStatusCode.NoContent);
        }

        (await _sub.WaitForAsync("/routed/special", 1, WithMarker(marker))).Should().ContainSingle();

        await PublishAsync("sdk-bulk", new { marker, n = 1 });
        await PublishAsync("sdk-bulk", new { marker, n = 2 });
        var batch = (await _sub.WaitForAsync("/bulk", 1, WithMarker(marker))).Should().ContainSingle().Subject;
        batch.Json.GetProperty("entries").GetArrayLength().Should().Be(2, "MAXMESSAGESCOUNT 2 closed the batch long before MAXAWAITDURATIONMS");
    }

    [Fact]
    public async Task Delivery_reply_fields_match_in_any_case_but_status_values_only_as_daprd_spells_them()
    {
        _sub.Handlers["/replies"] = r => r.Json.GetProperty("data").GetProperty("reply").GetString() switch
        {
            "drop-pascal" => (200, """{"Status":"DROP"}""", "application/json"),
            "retry-upper" => (200, """{"STATUS":"RETRY"}""", "application/json"),
            "success-lower" => (200, """{"status":"success"}""", "application/json"),
            "success-then-more" => (200, """{"status":"SUCCESS"} {"status":"RETRY"}""", "application/json"),
            _ => (200, null, null),
        };

        var drop = Marker();
        var retry = Marker();
        var lower = Marker();
        var first = Marker();
        await PublishAsync("replies", new { marker = drop, reply = "drop-pascal" });
        await PublishAsync("replies", new { marker = retry, reply = "retry-upper" });
        await PublishAsync("replies", new { marker = lower, reply = "success-lower" });
        await PublishAsync("replies", new { marker = first, reply = "success-then-more" });

        // {"Status":"DROP"} is DROP: not retried, sent to the dead-letter topic.
        (await _sub.WaitForAsync("/dead", 1, WithMarker(drop))).Should().ContainSingle();

        // {"STATUS":"RETRY"} is RETRY, and so is "success" in lower case (an unknown status to daprd): 1 try + 2 retries, then the dead-letter topic.
        (await _sub.WaitForAsync("/dead", 1, WithMarker(retry))).Should().ContainSingle();
        (await _sub.WaitForAsync("/dead", 1, WithMarker(lower))).Should().ContainSingle();
        _sub.To("/replies").Count(WithMarker(retry)).Should().Be(3);
        _sub.To("/replies").Count(WithMarker(lower)).Should().Be(3, "daprd compares the status case-sensitively");

        // Only the first JSON value of the body is read, as by Go's json.Decoder.
        _sub.To("/replies").Count(WithMarker(drop)).Should().Be(1);
        _sub.To("/replies").Count(WithMarker(first)).Should().Be(1);
        _sub.To("/dead").Count(WithMarker(first)).Should().Be(0);
    }

    [Fact]
    public async Task Bulk_reply_fields_match_in_any_case_but_status_values_only_as_daprd_spells_them()
    {
        _sub.Handlers["/bulk-replies"] = r =>
        {
            var entry = r.Json.GetProperty("entries")[0];
            var id = entry.GetProperty("entryId").GetString();
            return entry.GetProperty("event").GetProperty("data").GetProperty("reply").GetString() switch
            {
                "pascal" => (200, $$$"""{"Statuses":[{"EntryId":"{{{id}}}","Status":"SUCCESS"}]}""", "application/json"),
                _ => (200, $$$"""{"statuses":[{"entryId":"{{{id}}}","status":"success"}]}""", "application/json"),
            };
        };

        var pascal = Marker();
        var lower = Marker();
        await PublishAsync("bulk-replies", new { marker = pascal, reply = "pascal" });
        await PublishAsync("bulk-replies", new { marker = lower, reply = "lower" });

        (await _sub.WaitForAsync("/bulk-replies", 3, WithMarker(lower))).Should().HaveCount(3, "\"success\" is no status daprd knows: RETRY, then the retries");
        _sub.To("/bulk-replies").Count(WithMarker(pascal)).Should().Be(1, "Statuses/EntryId/Status name the fields in another case: SUCCESS");
    }

    [Fact]
    public async Task Actor_config_fields_match_in_any_case()
    {
        using var sidecar = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_subHttp}") };
        (await sidecar.PutAsync("/v1.0/actors/CaseActor/a1/method/hello", SidecarFixture.Json("{}"))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await sidecar.PutAsync("/v1.0/actors/OtherActor/o1/method/hello", SidecarFixture.Json("{}"))).StatusCode.Should().Be(HttpStatusCode.OK);

        // "Entities" placed both types here; "Reentrancy.Enabled" turned reentrancy on for CaseActor (the call carries a
        // reentrancy id) and the entitiesConfig entry turned it off for OtherActor.
        _sub.To("/actors/CaseActor/a1/method/hello").Should().ContainSingle().Which.Headers.Should().ContainKey("dapr-reentrancy-id");
        _sub.To("/actors/OtherActor/o1/method/hello").Should().ContainSingle().Which.Headers.Should().NotContainKey("dapr-reentrancy-id");

        // "ACTORIDLETIMEOUT" 1s deactivates CaseActor; OtherActor's own 1h keeps it active.
        (await _sub.WaitForAsync("/actors/CaseActor/a1", 1, r => r.Method == "DELETE", TimeSpan.FromSeconds(10))).Should().ContainSingle();
        _sub.To("/actors/OtherActor/o1").Should().BeEmpty();
    }
}
