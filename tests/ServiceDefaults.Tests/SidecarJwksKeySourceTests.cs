using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using DaprPlatform.ServiceDefaults.Tests.Infrastructure;
using DaprPlatform.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace DaprPlatform.ServiceDefaults.Tests;

/// <summary>
/// The default key source: identity's JWKS fetched by service invocation through the app's own sidecar
/// (GET /v1.0/invoke/identity/method/.well-known/jwks.json on DevHost), cached, refreshed on an unknown kid.
/// </summary>
[Collection(DevHostCollection.Name)]
public sealed class SidecarJwksKeySourceTests(DevHostSidecars sidecars) : IAsyncLifetime
{
    private static readonly TimeSpan MinimumRefreshInterval = new AccessTokenOptions().MinimumRefreshInterval;
    private static readonly TimeSpan KeyCacheDuration = new AccessTokenOptions().KeyCacheDuration;

    private readonly TestAccessTokens _current = new();
    private readonly TestAccessTokens _next = new();
    // Starts at the real time: the tokens are issued and checked on the real clock; only the key cache reads this one.
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private InProcessApp _consumer = null!;

    private JwksPublisher Jwks => sidecars.Jwks;

    public async Task InitializeAsync()
    {
        Jwks.Publish(_current);
        Jwks.ResetCounters();
        _consumer = await InProcessApp.StartAsync(
            app => app.MapGet("/me", (ClaimsPrincipal user) => Results.Ok(new { userId = user.GetUserId() })).RequireAuthorization(),
            beforeDefaults: b =>
            {
                b.Services.AddSingleton<TimeProvider>(_time);
                b.Configuration.AddInMemoryCollection([
                    new("DAPR_HTTP_ENDPOINT", sidecars.ConsumerSidecarEndpoint.ToString().TrimEnd('/')),
                    new("Sidecar:SecretStore", "none"),
                ]);
            });
    }

    public async Task DisposeAsync() => await _consumer.DisposeAsync();

    private async Task<HttpStatusCode> CallWithAsync(TestAccessTokens issuer)
    {
        var userId = Guid.NewGuid();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", issuer.Issue(userId, PlatformRoles.Student));
        using var response = await _consumer.Client.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            body.RootElement.GetProperty("userId").GetGuid().Should().Be(userId);
        }
        else
        {
            await response.ReadProblemAsync();
        }

        return response.StatusCode;
    }

    [Fact]
    public void Default_key_source_is_the_sidecar_jwks_source()
    {
        _consumer.Services.GetRequiredService<IAccessTokenKeySource>().Should().BeOfType<SidecarJwksKeySource>();
    }

    [Fact]
    public async Task Token_validates_with_the_jwks_fetched_through_the_sidecar_by_invocation()
    {
        (await CallWithAsync(_current)).Should().Be(HttpStatusCode.OK);

        Jwks.Requests.Should().Be(1);
        // Invocation rule: the callee sees the caller's app id in dapr-caller-app-id, stamped by the sidecar.
        Jwks.Callers.Should().Equal(DevHostSidecars.ConsumerAppId);
    }

    [Fact]
    public async Task Key_set_is_cached_across_requests()
    {
        for (var i = 0; i < 5; i++)
        {
            (await CallWithAsync(_current)).Should().Be(HttpStatusCode.OK);
        }

        _time.Advance(KeyCacheDuration - TimeSpan.FromSeconds(5));
        (await CallWithAsync(_current)).Should().Be(HttpStatusCode.OK);

        Jwks.Requests.Should().Be(1);
    }

    [Fact]
    public async Task Key_set_is_fetched_again_after_the_cache_duration()
    {
        (await CallWithAsync(_current)).Should().Be(HttpStatusCode.OK);
        _time.Advance(KeyCacheDuration + TimeSpan.FromSeconds(1));
        (await CallWithAsync(_current)).Should().Be(HttpStatusCode.OK);

        Jwks.Requests.Should().Be(2);
    }

    [Fact]
    public async Task Unknown_kid_triggers_one_refresh_and_the_rotated_key_is_accepted()
    {
        (await CallWithAsync(_current)).Should().Be(HttpStatusCode.OK);

        // Identity rotates: it publishes the new key next to the old one and signs with the new one.
        Jwks.Publish(_current, _next);
        _time.Advance(MinimumRefreshInterval + TimeSpan.FromSeconds(1));

        // A valid token signed with the rotated key must not be rejected, not even once.
        (await CallWithAsync(_next)).Should().Be(HttpStatusCode.OK);
        Jwks.Requests.Should().Be(2, "the unknown kid caused exactly one refresh");

        (await CallWithAsync(_next)).Should().Be(HttpStatusCode.OK);
        (await CallWithAsync(_current)).Should().Be(HttpStatusCode.OK);
        Jwks.Requests.Should().Be(2, "the refreshed set is cached again");
    }

    [Fact]
    public async Task Refreshes_on_unknown_kids_are_rate_limited_by_the_minimum_refresh_interval()
    {
        (await CallWithAsync(_current)).Should().Be(HttpStatusCode.OK);
        Jwks.Publish(_current, _next);

        // Within MinimumRefreshInterval of the last fetch a flood of unknown kids must not reach identity.
        for (var i = 0; i < 5; i++)
        {
            (await CallWithAsync(_next)).Should().Be(HttpStatusCode.Unauthorized);
        }

        Jwks.Requests.Should().Be(1);

        // Once the interval has passed, the next unknown kid refreshes (once) and the rotated key works.
        _time.Advance(MinimumRefreshInterval + TimeSpan.FromSeconds(1));
        (await CallWithAsync(_next)).Should().Be(HttpStatusCode.OK);
        Jwks.Requests.Should().Be(2);

        // A kid identity never published keeps failing, without another fetch inside the interval.
        var stranger = new TestAccessTokens();
        for (var i = 0; i < 5; i++)
        {
            (await CallWithAsync(stranger)).Should().Be(HttpStatusCode.Unauthorized);
        }

        Jwks.Requests.Should().Be(2);
    }

    [Fact]
    public async Task Cached_keys_keep_working_while_identity_is_unreachable()
    {
        (await CallWithAsync(_current)).Should().Be(HttpStatusCode.OK);

        Jwks.Fail();
        _time.Advance(KeyCacheDuration + TimeSpan.FromSeconds(1));
        (await CallWithAsync(_current)).Should().Be(HttpStatusCode.OK);
        Jwks.Requests.Should().Be(2, "the expired cache was refetched, and the failure fell back to the cached keys");

        // While identity stays down, requests must not each wait on another failing fetch through the sidecar.
        for (var i = 0; i < 3; i++)
        {
            (await CallWithAsync(_current)).Should().Be(HttpStatusCode.OK);
        }

        Jwks.Requests.Should().Be(2, "a failed fetch is not retried before MinimumRefreshInterval has passed");
    }

    [Fact]
    public async Task Readiness_reports_a_reachable_sidecar_as_healthy()
    {
        // GET /v1.0/healthz/outbound → 204 once the sidecar is up (health API).
        using var response = await _consumer.Client.GetAsync("/readyz");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("checks").GetProperty("sidecar").GetProperty("status").GetString().Should().Be("Healthy");
        body.RootElement.GetProperty("checks").GetProperty("sidecar").GetProperty("description").ValueKind.Should().Be(JsonValueKind.Null);
    }
}
