using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.TestSupport;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>
/// The walking skeleton's flow, every hop through a sidecar: register and log in through the gateway,
/// read the profile through the gateway and through plain Dapr invocation, and see the welcome
/// notification that the user.registered event produced.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class UserJourneyTests(PlatformFixture platform)
{
    [Fact]
    public async Task Registered_user_logs_in_reads_profile_both_ways_and_gets_a_welcome_notification()
    {
        var email = $"ada.{Guid.NewGuid():N}@example.com";
        const string password = "correct horse battery staple";

        var register = await platform.Gateway.PostAsJsonAsync("/api/auth/register", new { email, password, displayName = "Ada Lovelace" });
        register.StatusCode.Should().Be(HttpStatusCode.Created, await register.Content.ReadAsStringAsync());
        var userId = (await register.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var login = await platform.Gateway.PostAsJsonAsync("/api/auth/login", new { email = email.ToUpperInvariant(), password });
        login.StatusCode.Should().Be(HttpStatusCode.OK, await login.Content.ReadAsStringAsync());
        var tokens = await login.Content.ReadFromJsonAsync<JsonElement>();
        var accessToken = tokens.GetProperty("accessToken").GetString()!;
        tokens.GetProperty("refreshToken").GetString().Should().NotBeNullOrEmpty();

        // Through the gateway (gateway → its sidecar → identity's sidecar → identity).
        var viaGateway = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, "/api/auth/me", accessToken);
        viaGateway.StatusCode.Should().Be(HttpStatusCode.OK, await viaGateway.Content.ReadAsStringAsync());
        (await viaGateway.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid().Should().Be(userId);

        // Through Dapr service invocation, URL form (invoke API: /v1.0/invoke/{appId}/method/{method}).
        var viaInvoke = await PlatformFixture.SendAsync(platform.GatewaySidecar, HttpMethod.Get, "/v1.0/invoke/identity/method/api/auth/me", accessToken);
        viaInvoke.StatusCode.Should().Be(HttpStatusCode.OK, await viaInvoke.Content.ReadAsStringAsync());
        (await viaInvoke.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("email").GetString().Should().Be(email);

        // user.registered travels identity outbox → sidecar → broker → notifications' sidecar → notifications.
        var notification = await Eventually.UntilAsync(
            "the welcome notification",
            async _ =>
            {
                var list = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, "/api/notifications", accessToken);
                list.StatusCode.Should().Be(HttpStatusCode.OK, await list.Content.ReadAsStringAsync());
                var items = (await list.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items");
                return items.GetArrayLength() > 0 ? items[0] : (JsonElement?)null;
            },
            found => found is not null,
            TimeSpan.FromSeconds(60),
            _ => "no notification listed",
            interval: TimeSpan.FromMilliseconds(250));
        notification!.Value.GetProperty("isRead").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task Header_form_invocation_reaches_identity_through_any_sidecar()
    {
        // Invoke API: a non-Dapr path with the dapr-app-id header is routed to that app.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/jwks.json");
        request.Headers.Add("dapr-app-id", "identity");
        var response = await platform.GatewaySidecar.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var keys = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys");
        keys.GetArrayLength().Should().BeGreaterThan(0);
        keys[0].GetProperty("kty").GetString().Should().Be("RSA");
    }
}
