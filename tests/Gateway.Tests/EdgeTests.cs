using System.Net;
using System.Text;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Gateway.Tests;

public sealed class EdgeFixture : GatewayFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Limits:MaxRequestBodyBytes"] = "1024",
        ["Gateway:Cors:AllowedOrigins:0"] = "https://app.example.com",
    };
}

/// <summary>What the edge rejects itself: auth, size, CORS, unknown routes. None of it may reach the sidecar.</summary>
public sealed class EdgeTests : IClassFixture<EdgeFixture>
{
    private readonly EdgeFixture _fx;

    public EdgeTests(EdgeFixture fx)
    {
        _fx = fx;
        _fx.Reset();
    }

    public static TheoryData<string, string, string?, string?, int> BadRequests()
    {
        var tokens = new TestAccessTokens(); // a key the gateway does not trust
        var user = Guid.NewGuid();
        return new TheoryData<string, string, string?, string?, int>
        {
            // method, path, authorization, body, expected status
            { "GET", "/api/auth/me", null, null, 401 },
            { "GET", "/api/notifications", "Bearer not-a-jwt", null, 401 },
            { "GET", "/api/notifications", "Basic dXNlcjpwYXNz", null, 401 },
            { "GET", "/api/notifications", $"Bearer {tokens.Issue(user, PlatformRoles.Student)}", null, 401 },
            { "GET", "/api/notifications", $"Bearer {tokens.IssueUnsigned(user, PlatformRoles.Student)}", null, 401 },
            { "PATCH", "/api/users/1", null, "{\"displayName\":\"x\"}", 401 },
            { "GET", "/api/auth/login", null, null, 401 },          // public only as POST
            { "POST", "/api/auth/logout", null, null, 401 },
            { "POST", "/api/auth/login", null, new string('x', 2048), 413 },
            { "POST", "/api/auth/register", null, new string('x', 1025), 413 },
            { "GET", "/api/unknown", null, null, 404 },
        };
    }

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_requests_get_problem_details_and_never_reach_the_sidecar(string method, string path, string? authorization, string? body, int expected)
    {
        using var client = _fx.Gateway.CreatePlainClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);

        ((int)response.StatusCode).Should().Be(expected);
        await response.ReadProblemAsync();
        _fx.Sidecar.Received.Should().BeEmpty();
    }

    [Fact]
    public async Task Expired_and_forged_tokens_are_401_with_bearer_challenge()
    {
        var user = Guid.NewGuid();
        foreach (var token in new[] { _fx.Gateway.Tokens.IssueExpired(user, PlatformRoles.Student), _fx.Gateway.Tokens.IssueWithForeignKey(user, PlatformRoles.Student) })
        {
            using var client = _fx.Gateway.CreatePlainClient();
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);

            using var response = await client.GetAsync("/api/auth/me");

            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            response.Headers.WwwAuthenticate.Should().Contain(h => h.Scheme == "Bearer");
            await response.ReadProblemAsync();
        }

        _fx.Sidecar.Received.Should().BeEmpty();
    }

    [Theory]
    [InlineData("/api/auth/register")]
    [InlineData("/api/auth/login")]
    [InlineData("/api/auth/refresh")]
    public async Task Public_routes_pass_anonymously(string path)
    {
        using var client = _fx.Gateway.CreatePlainClient();

        using var response = await client.PostAsync(path, new StringContent("{}", Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var received = _fx.Sidecar.Received.Should().ContainSingle().Subject;
        received.RawTarget.Should().Be("/v1.0/invoke/identity/method" + path);
        received.Headers.Should().NotContainKey("Authorization");
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_is_413_problem()
    {
        _fx.Sidecar.Handler = async context =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            context.Response.StatusCode = 200;
        };
        using var client = _fx.Gateway.CreatePlainClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login")
        {
            Content = new StreamContent(new MemoryStream(new byte[8 * 1024])),
        };
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        await response.ReadProblemAsync();
    }

    [Fact]
    public async Task Cors_preflight_from_an_allowed_origin_is_answered_at_the_edge()
    {
        using var client = _fx.Gateway.CreatePlainClient();
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/notifications");
        request.Headers.Add("Origin", "https://app.example.com");
        request.Headers.Add("Access-Control-Request-Method", "PUT");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        response.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal("https://app.example.com");
        string.Join(',', response.Headers.GetValues("Access-Control-Allow-Methods")).Should().Contain("PUT");
        string.Join(',', response.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant().Should().Contain("authorization");
        _fx.Sidecar.Received.Should().BeEmpty();
    }

    [Fact]
    public async Task Cors_preflight_from_another_origin_gets_no_allow_origin()
    {
        using var client = _fx.Gateway.CreatePlainClient();
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/notifications");
        request.Headers.Add("Origin", "https://evil.example.net");
        request.Headers.Add("Access-Control-Request-Method", "GET");

        using var response = await client.SendAsync(request);

        response.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse();
        _fx.Sidecar.Received.Should().BeEmpty();
    }

    [Fact]
    public async Task Simple_cross_origin_request_carries_allow_origin()
    {
        using var client = _fx.Gateway.CreatePlainClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Add("Origin", "https://app.example.com");

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal("https://app.example.com");
    }
}
