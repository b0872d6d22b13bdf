namespace DaprPlatform.DevHost.Tests;

[Collection("sidecar")]
public sealed class HealthMetadataTests(SidecarFixture f)
{
    [Fact]
    public async Task Healthz_and_outbound_are_204_and_a_wrong_appid_is_500()
    {
        // Health API: 204 when ready; ?appid=X that is not this sidecar → 500 ERR_HEALTH_APPID_NOT_MATCH.
        (await f.CallerSidecar.GetAsync("/v1.0/healthz")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await f.CallerSidecar.GetAsync("/v1.0/healthz/outbound")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        using var wrong = await f.CallerSidecar.GetAsync("/v1.0/healthz?appid=target");
        wrong.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await SidecarFixture.ErrorOf(wrong)).GetProperty("errorCode").GetString().Should().Be("ERR_HEALTH_APPID_NOT_MATCH");
    }

    [Fact]
    public async Task Metadata_describes_the_app_components_and_subscriptions()
    {
        using var response = await f.TargetSidecar.GetAsync("/v1.0/metadata");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        // Metadata API fields: id, runtimeVersion, enabledFeatures, actors, components, subscriptions, extended, appConnectionProperties.
        root.GetProperty("id").GetString().Should().Be("target");
        root.GetProperty("runtimeVersion").GetString().Should().StartWith("devhost-");
        root.GetProperty("enabledFeatures").EnumerateArray().Select(e => e.GetString()).Should().Contain("HotReload");
        root.GetProperty("actors").GetArrayLength().Should().Be(0);
        var components = root.GetProperty("components").EnumerateArray().ToList();
        components.Select(c => c.GetProperty("name").GetString()).Should().Contain(["statestore", "pubsub", "secretstore"]).And.NotContain("envstore");
        components.Single(c => c.GetProperty("name").GetString() == "statestore").GetProperty("capabilities").EnumerateArray().Select(c => c.GetString())
            .Should().Contain(["ETAG", "TRANSACTIONAL"]);
        var subs = root.GetProperty("subscriptions").EnumerateArray().ToList();
        subs.Single(s => s.GetProperty("topic").GetString() == "routed").GetProperty("type").GetString().Should().Be("DECLARATIVE");
        subs.Single(s => s.GetProperty("topic").GetString() == "orders").GetProperty("type").GetString().Should().Be("PROGRAMMATIC");
        root.GetProperty("appConnectionProperties").GetProperty("port").GetInt32().Should().Be(f.Target.Port);
        // daprd lists app health settings only when app health checks are on (pkg/api/universal/metadata.go); here they are off.
        root.GetProperty("appConnectionProperties").TryGetProperty("health", out _).Should().BeFalse();
        root.GetProperty("extended").TryGetProperty("appPID", out _).Should().BeTrue();
    }

    [Fact]
    public async Task Put_metadata_attribute_lands_in_extended()
    {
        using var put = await f.CallerSidecar.PutAsync("/v1.0/metadata/myDemoAttribute", new StringContent("myDemoAttributeValue", Encoding.UTF8, "text/plain"));

        // Metadata API: PUT /v1.0/metadata/{attr} → 204, the value appears in extended.
        put.StatusCode.Should().Be(HttpStatusCode.NoContent);
        var root = JsonDocument.Parse(await (await f.CallerSidecar.GetAsync("/v1.0/metadata")).Content.ReadAsStringAsync()).RootElement;
        root.GetProperty("extended").GetProperty("myDemoAttribute").GetString().Should().Be("myDemoAttributeValue");
    }

    [Fact]
    public async Task Api_token_is_required_on_every_call_except_healthz()
    {
        // DAPR_API_TOKEN set → requests without dapr-api-token get 401; healthz stays open.
        (await f.SecuredSidecar.GetAsync("/v1.0/metadata")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await f.SecuredSidecar.GetAsync("/v1.0/healthz/outbound")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1.0/metadata");
        request.Headers.Add("dapr-api-token", SidecarFixture.SidecarToken);
        (await f.SecuredSidecar.SendAsync(request)).StatusCode.Should().Be(HttpStatusCode.OK);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/v1.0/metadata");
        wrong.Headers.Add("dapr-api-token", "nope");
        (await f.SecuredSidecar.SendAsync(wrong)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("POST", "/v1.0/workflows/other/Onboarding/start", 400, "ERR_WORKFLOW_COMPONENT_NOT_FOUND")]
    [InlineData("GET", "/v1.0-beta1/workflows/other/abc", 400, "ERR_WORKFLOW_COMPONENT_NOT_FOUND")]
    [InlineData("POST", "/v1.0/bindings/mail", 500, "ERR_INVOKE_OUTPUT_BINDING")]
    [InlineData("GET", "/v1.0/configuration/store?key=a", 500, "ERR_CONFIGURATION_STORE_NOT_CONFIGURED")]
    [InlineData("POST", "/v1.0-alpha1/lock/store", 500, "ERR_LOCK_STORE_NOT_CONFIGURED")]
    public async Task Unsupported_building_blocks_answer_with_Daprs_error_shape(string method, string path, int status, string code)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "GET" ? null : SidecarFixture.Json("{}") };
        using var response = await f.CallerSidecar.SendAsync(request);

        // DevHost never pretends: a building block it does not serve gets daprd's error for a missing runtime/component.
        ((int)response.StatusCode).Should().Be(status);
        (await SidecarFixture.ErrorOf(response)).GetProperty("errorCode").GetString().Should().Be(code);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(500, "500ms")]
    [InlineData(5_000, "5s")]
    [InlineData(90_000, "1m30s")]
    [InlineData(3_600_000, "1h0m0s")]
    [InlineData(1_500, "1.5s")]
    public void Durations_in_metadata_are_printed_as_Go_prints_them(int milliseconds, string expected)
        => DaprPlatform.DevHost.Configuration.GoDuration.Format(TimeSpan.FromMilliseconds(milliseconds)).Should().Be(expected);
}
