using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Gateway.Tests;

public sealed class ForwardingTests : IClassFixture<GatewayFixture>
{
    private readonly GatewayFixture _fx;

    public ForwardingTests(GatewayFixture fx)
    {
        _fx = fx;
        _fx.Reset();
    }

    // Service invocation: everything after /method/ reaches the app as the path, the query string is forwarded.
    [Theory]
    [InlineData("GET", "/api/auth/me", "/v1.0/invoke/identity/method/api/auth/me")]
    [InlineData("PATCH", "/api/users/42?fields=name&x=%20y", "/v1.0/invoke/identity/method/api/users/42?fields=name&x=%20y")]
    [InlineData("GET", "/api/notifications?page=2&pageSize=5", "/v1.0/invoke/notifications/method/api/notifications?page=2&pageSize=5")]
    [InlineData("POST", "/api/notifications/0b9c1c9e-0000-0000-0000-000000000001/read", "/v1.0/invoke/notifications/method/api/notifications/0b9c1c9e-0000-0000-0000-000000000001/read")]
    [InlineData("DELETE", "/api/users", "/v1.0/invoke/identity/method/api/users")]
    public async Task Path_maps_to_invoke_url_of_the_owning_app(string method, string path, string expectedTarget)
    {
        using var client = _fx.Gateway.CreateClientWithToken();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("ok");
        var received = _fx.Sidecar.Received.Should().ContainSingle().Subject;
        received.Method.Should().Be(method);
        received.RawTarget.Should().Be(expectedTarget);
    }

    [Fact]
    public async Task Request_headers_are_forwarded_minus_hop_by_hop_and_gateway_owned_ones()
    {
        using var client = _fx.Gateway.CreateClientWithToken();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/users/me/avatar")
        {
            Content = new StringContent("{\"a\":1}", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("X-Custom", "kept");
        request.Headers.TryAddWithoutValidation("Connection", "X-Connection-Scoped");
        request.Headers.TryAddWithoutValidation("X-Connection-Scoped", "dropped");
        request.Headers.TryAddWithoutValidation("Keep-Alive", "timeout=5");
        request.Headers.TryAddWithoutValidation("Proxy-Authorization", "Basic c2VjcmV0");
        request.Headers.TryAddWithoutValidation("dapr-api-token", "client-chosen");
        request.Headers.TryAddWithoutValidation("dapr-app-id", "payments");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "6.6.6.6");
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var headers = _fx.Sidecar.Received.Should().ContainSingle().Subject.Headers;
        headers["X-Custom"].Should().Be("kept");
        headers["Content-Type"].Should().StartWith("application/json");
        headers["Authorization"].Should().StartWith("Bearer ", "services validate the token again (defense in depth)");
        headers.Should().NotContainKey("X-Connection-Scoped").And.NotContainKey("Keep-Alive").And.NotContainKey("Proxy-Authorization")
            .And.NotContainKey("dapr-app-id");
        // App → sidecar auth: the gateway's own DAPR_API_TOKEN, never a client-supplied one.
        headers["dapr-api-token"].Should().Be(GatewayFactory.SidecarApiToken);
        headers["X-Forwarded-For"].Should().Be("127.0.0.1");
        headers["X-Forwarded-Proto"].Should().Be("http");
        headers["X-Forwarded-Host"].Should().StartWith("127.0.0.1:").And.NotBeEmpty();
        // W3C trace context: the upstream call continues the caller's trace.
        headers["traceparent"].Should().MatchRegex("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$");
        headers["traceparent"].Split('-')[1].Should().Be(traceId);
    }

    [Fact]
    public async Task Response_status_headers_and_body_come_back_minus_hop_by_hop()
    {
        _fx.Sidecar.Handler = async context =>
        {
            context.Response.StatusCode = StatusCodes.Status201Created;
            context.Response.Headers["X-Upstream"] = "yes";
            context.Response.Headers.Location = "/api/users/7";
            context.Response.Headers["Proxy-Authenticate"] = "Basic";
            context.Response.Headers["Keep-Alive"] = "timeout=5";
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"id\":7}");
        };
        using var client = _fx.Gateway.CreateClientWithToken();

        using var response = await client.PostAsync("/api/users", new StringContent("{}", Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        response.Headers.GetValues("X-Upstream").Should().Equal("yes");
        response.Headers.Location!.ToString().Should().Be("/api/users/7");
        response.Headers.Contains("Proxy-Authenticate").Should().BeFalse();
        response.Headers.Contains("Keep-Alive").Should().BeFalse();
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        (await response.Content.ReadAsStringAsync()).Should().Be("{\"id\":7}");
    }

    [Fact]
    public async Task Large_bodies_stream_both_ways_without_buffering()
    {
        const int chunk = 64 * 1024;
        const int total = 4 * 1024 * 1024;
        var firstRequestBytesArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clientReadFirstResponseBytes = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _fx.Sidecar.Handler = async context =>
        {
            // Echo: read the first chunk, then answer in pieces while the rest is still being uploaded.
            var buffer = new byte[chunk];
            var read = await context.Request.Body.ReadAtLeastAsync(buffer, chunk, throwOnEndOfStream: false);
            firstRequestBytesArrived.TrySetResult();
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, read));
            await context.Response.Body.FlushAsync();
            await clientReadFirstResponseBytes.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await context.Request.Body.CopyToAsync(context.Response.Body);
        };
        using var client = _fx.Gateway.CreateClientWithToken();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/users/upload")
        {
            Content = new GatedContent(chunk, total, firstRequestBytesArrived.Task),
        };

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var first = new byte[chunk];
        await body.ReadExactlyAsync(first).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        clientReadFirstResponseBytes.SetResult();
        var rest = new MemoryStream();
        await body.CopyToAsync(rest).WaitAsync(TimeSpan.FromSeconds(60));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var all = first.Concat(rest.ToArray()).ToArray();
        all.Length.Should().Be(total);
        all.Should().Equal(GatedContent.Pattern(total));
    }

    [Fact]
    public async Task Live_server_sent_events_reach_the_client_one_by_one()
    {
        var clientSawFirstEvent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _fx.Sidecar.Handler = async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("event: realtime\ndata: 1\n\n");
            await context.Response.Body.FlushAsync();
            // The second event is written only once the first has crossed the gateway: a buffering gateway would hang here.
            await clientSawFirstEvent.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await context.Response.WriteAsync("event: realtime\ndata: 2\n\n");
        };
        using var client = _fx.Gateway.CreateClientWithToken();

        using var response = await client.GetAsync($"/api/analytics/channels/{Guid.NewGuid()}/live", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        var firstData = await reader.ReadLineAsync();
        clientSawFirstEvent.SetResult();
        var rest = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(20));

        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        first.Should().Be("event: realtime");
        firstData.Should().Be("data: 1");
        rest.Should().Be("\nevent: realtime\ndata: 2\n\n");
        _fx.Sidecar.Received.Should().ContainSingle().Which.Path.Should().StartWith("/v1.0/invoke/analytics/method/api/analytics/channels/");
    }

    [Fact]
    public async Task Client_abort_cancels_the_upstream_call()
    {
        var upstreamStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var upstreamAborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _fx.Sidecar.Handler = async context =>
        {
            context.RequestAborted.Register(() => upstreamAborted.TrySetResult());
            upstreamStarted.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        };
        using var client = _fx.Gateway.CreateClientWithToken();
        using var cts = new CancellationTokenSource();

        var call = client.GetAsync("/api/auth/me", cts.Token);
        await upstreamStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();

        await FluentActions.Awaiting(() => call).Should().ThrowAsync<OperationCanceledException>();
        await upstreamAborted.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    // Dapr invocation errors come back as {"errorCode":"ERR_…"}: the sidecar could not reach the app → 502 naming it.
    [Theory]
    [InlineData(500, "ERR_DIRECT_INVOKE")]
    [InlineData(403, "ERR_DIRECT_INVOKE")]
    [InlineData(404, "ERR_DIRECT_INVOKE")]
    public async Task Dapr_error_body_becomes_502_naming_the_app(int status, string errorCode)
    {
        _fx.Sidecar.Handler = async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($"{{\"errorCode\":\"{errorCode}\",\"message\":\"fail to invoke, id: notifications\"}}");
        };
        using var client = _fx.Gateway.CreateClientWithToken();

        using var response = await client.GetAsync("/api/notifications");

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        var problem = await response.ReadProblemAsync();
        problem.GetProperty("detail").GetString().Should().Contain("notifications").And.Contain(errorCode);
    }

    // Service invocation returns the app's status, headers and body verbatim; the gateway must too.
    [Theory]
    [InlineData(500, "application/problem+json", "{\"title\":\"boom\",\"status\":500}")]
    [InlineData(404, "application/json", "{\"message\":\"no such user\"}")]
    [InlineData(409, "application/problem+json", "{\"title\":\"conflict\",\"status\":409}")]
    public async Task App_errors_pass_through_verbatim(int status, string contentType, string body)
    {
        _fx.Sidecar.Handler = async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            await context.Response.WriteAsync(body);
        };
        using var client = _fx.Gateway.CreateClientWithToken();

        using var response = await client.GetAsync("/api/users/1");

        ((int)response.StatusCode).Should().Be(status);
        response.Content.Headers.ContentType!.MediaType.Should().Be(contentType);
        (await response.Content.ReadAsStringAsync()).Should().Be(body);
    }

    [Theory]
    [InlineData("/api/nothing-here")]
    [InlineData("/api/authors")]
    [InlineData("/api")]
    public async Task Unknown_prefix_is_404_problem_and_never_reaches_the_sidecar(string path)
    {
        using var client = _fx.Gateway.CreateClientWithToken();

        using var response = await client.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        await response.ReadProblemAsync();
        _fx.Sidecar.Received.Should().BeEmpty();
    }

    /// <summary>Uploads a deterministic pattern; after the first chunk it waits until the far side has seen it.</summary>
    private sealed class GatedContent(int chunk, int total, Task gate) : HttpContent
    {
        public static byte[] Pattern(int length)
        {
            var bytes = new byte[length];
            for (var i = 0; i < length; i++)
            {
                bytes[i] = (byte)(i * 31 % 251);
            }

            return bytes;
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var data = Pattern(total);
            await stream.WriteAsync(data.AsMemory(0, chunk));
            await stream.FlushAsync();
            // If the gateway buffered the request body, the sidecar would never see this first chunk: the test times out.
            await gate.WaitAsync(TimeSpan.FromSeconds(20));
            await stream.WriteAsync(data.AsMemory(chunk));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
