namespace DaprPlatform.Conformance.Tests;

/// <summary>
/// DAPR_API_TOKEN: target's sidecar accepts only callers that send it as dapr-api-token (the SDK's UseDaprApiToken, or
/// DAPR_API_TOKEN in its environment). daprd: gRPC → Unauthenticated (pkg/api/grpc/auth.go); HTTP → 401 except
/// GET /v1.0/healthz and /v1.0/healthz/outbound (pkg/api/http/middlewares.go).
/// </summary>
[Collection(ConformanceCollection.Name)]
public sealed class DaprApiTokenTests(ConformanceFixture fixture)
{
    [Fact]
    public async Task A_client_sending_the_token_is_served_over_gRPC_and_HTTP()
    {
        using var client = ConformanceFixture.ClientForApp(fixture.Target, ConformanceFixture.TargetSidecarToken);

        (await client.GetMetadataAsync()).Id.Should().Be(ConformanceFixture.TargetAppId);
        using var request = client.CreateInvokeMethodRequest(HttpMethod.Get, ConformanceFixture.TargetAppId, "echo/with-token");
        (await client.InvokeAsync<Echo>(request)).Path.Should().Be("/echo/with-token");
    }

    [Fact]
    public async Task A_gRPC_call_without_the_token_is_Unauthenticated()
    {
        using var client = ConformanceFixture.ClientForApp(fixture.Target);

        await DaprAssertions.ShouldFailWithAsync(() => client.GetStateAsync<Widget>(ConformanceFixture.StateStore, "k"), StatusCode.Unauthenticated);
        await DaprAssertions.ShouldFailWithAsync(() => client.GetMetadataAsync(), StatusCode.Unauthenticated);
    }

    [Fact]
    public async Task An_HTTP_call_without_the_token_is_401_but_the_health_checks_are_open()
    {
        using var client = ConformanceFixture.ClientForApp(fixture.Target);

        (await client.CheckHealthAsync()).Should().BeTrue();
        (await client.CheckOutboundHealthAsync()).Should().BeTrue();
        using var request = client.CreateInvokeMethodRequest(HttpMethod.Get, ConformanceFixture.TargetAppId, "echo/no-token");
        using var response = await client.InvokeWithResponseAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_wrong_token_is_refused_too()
    {
        using var client = ConformanceFixture.ClientForApp(fixture.Target, "not-the-token");

        await DaprAssertions.ShouldFailWithAsync(() => client.GetStateAsync<Widget>(ConformanceFixture.StateStore, "k"), StatusCode.Unauthenticated);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{fixture.Target.HttpPort}") };
        using var metadata = new HttpRequestMessage(HttpMethod.Get, "/v1.0/metadata");
        metadata.Headers.Add("dapr-api-token", "not-the-token");
        (await http.SendAsync(metadata)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}
