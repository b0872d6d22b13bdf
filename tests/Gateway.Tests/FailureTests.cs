using System.Net;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Gateway.Tests;

public sealed class FailureTests
{
    [Fact]
    public async Task Sidecar_down_is_502_problem()
    {
        // Nothing listens on this port: the gateway's own sidecar is unreachable.
        await using var gateway = new GatewayFactory(new Uri($"http://127.0.0.1:{FreeTcpPort.Next()}"));
        using var client = gateway.CreateClientWithToken();

        using var response = await client.GetAsync("/api/notifications");

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        var problem = await response.ReadProblemAsync();
        problem.GetProperty("detail").GetString().Should().Contain("notifications");
    }

    [Fact]
    public async Task Upstream_slower_than_the_timeout_is_504_problem()
    {
        await using var sidecar = await FakeSidecar.StartAsync();
        var upstreamCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sidecar.Handler = async context =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
                await context.Response.WriteAsync("too late");
            }
            catch (OperationCanceledException)
            {
                upstreamCancelled.TrySetResult();
            }
        };
        await using var gateway = new GatewayFactory(sidecar.Endpoint, new Dictionary<string, string?> { ["ReverseProxy:Clusters:sidecar:HttpRequest:ActivityTimeout"] = "00:00:01" });
        using var client = gateway.CreateClientWithToken();

        using var response = await client.GetAsync("/api/users/1");

        response.StatusCode.Should().Be(HttpStatusCode.GatewayTimeout);
        var problem = await response.ReadProblemAsync();
        problem.GetProperty("detail").GetString().Should().Contain("identity");
        // The timed-out call is cancelled, not left running.
        await upstreamCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Over_the_rate_limit_is_429_with_retry_after_per_client()
    {
        await using var sidecar = await FakeSidecar.StartAsync();
        await using var gateway = new GatewayFactory(sidecar.Endpoint, new Dictionary<string, string?>
        {
            ["Gateway:RateLimit:PermitLimit"] = "3",
            ["Gateway:RateLimit:Window"] = "00:01:00",
        });
        var alice = Guid.NewGuid();
        using var aliceClient = gateway.CreateClientWithToken(alice);
        using var bobClient = gateway.CreateClientWithToken(Guid.NewGuid());

        for (var i = 0; i < 3; i++)
        {
            using var ok = await aliceClient.GetAsync("/api/notifications");
            ok.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        using var limited = await aliceClient.GetAsync("/api/notifications");
        limited.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        limited.Headers.RetryAfter.Should().NotBeNull();
        limited.Headers.RetryAfter!.Delta.Should().BeGreaterThan(TimeSpan.Zero).And.BeLessThanOrEqualTo(TimeSpan.FromMinutes(1));
        await limited.ReadProblemAsync();
        sidecar.Received.Should().HaveCount(3);

        // Another user has a bucket of their own (partitioned by user id, not shared by the IP).
        using var bob = await bobClient.GetAsync("/api/notifications");
        bob.StatusCode.Should().Be(HttpStatusCode.OK);

        // Health endpoints are not rate limited.
        using var health = await aliceClient.GetAsync("/healthz");
        health.StatusCode.Should().NotBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Anonymous_clients_are_limited_by_ip()
    {
        await using var sidecar = await FakeSidecar.StartAsync();
        await using var gateway = new GatewayFactory(sidecar.Endpoint, new Dictionary<string, string?> { ["Gateway:RateLimit:PermitLimit"] = "2" });
        using var client = gateway.CreatePlainClient();

        var statuses = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostAsync("/api/auth/login", new StringContent("{}"));
            statuses.Add((int)response.StatusCode);
        }

        statuses.Should().Equal(StatusCodes.Status200OK, StatusCodes.Status200OK, StatusCodes.Status429TooManyRequests);
    }
}
