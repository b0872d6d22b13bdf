using System.Net.Http.Json;

namespace DaprPlatform.Conformance.Tests;

/// <summary>
/// App API token: with APP_API_TOKEN in an app's environment daprd sends it as dapr-api-token on every call to that app
/// (docs: operations/security/app-api-token); Dapr.AspNetCore's AddDapr() authentication scheme and "Dapr" policy check it.
/// </summary>
[Collection(ConformanceCollection.Name)]
public sealed class AppApiTokenTests(ConformanceFixture fixture)
{
    [Fact]
    public async Task Invocation_carries_the_token_so_the_SDKs_Dapr_policy_admits_the_call()
    {
        using var request = fixture.Client.CreateInvokeMethodRequest(HttpMethod.Get, ConformanceFixture.TargetAppId, "secured");

        using var response = await fixture.Client.InvokeWithResponseAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("secured ok");
    }

    [Fact]
    public async Task The_same_endpoint_refuses_a_caller_without_the_token()
    {
        // Control: the policy is really in force, so the test above proves the sidecar sent the token.
        using var response = await fixture.TargetHttp.GetAsync("/secured");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Invocation_of_an_unprotected_endpoint_also_carries_the_token()
    {
        using var request = fixture.Client.CreateInvokeMethodRequest(HttpMethod.Get, ConformanceFixture.TargetAppId, "echo/token");

        var echo = await fixture.Client.InvokeAsync<Echo>(request);

        echo.HasApiToken.Should().BeTrue();
    }

    [Fact]
    public async Task A_delivery_to_a_policy_protected_subscriber_carries_the_token()
    {
        var marker = Marker.New("token-topic");
        await fixture.Client.PublishEventAsync(ConformanceFixture.PubSub, "token-topic", new Widget(marker, 1));

        await Eventually.UntilAsync("target's protected subscriber to receive the event",
            async _ => await fixture.TargetHttp.GetFromJsonAsync<string[]>("/test/received") ?? [],
            received => received.Any(r => r.Contains(marker, StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30),
            received => string.Join(" | ", received));
    }
}
