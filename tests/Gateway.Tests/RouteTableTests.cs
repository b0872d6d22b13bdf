using System.Net;
using DaprPlatform.Gateway.Domain;

namespace DaprPlatform.Gateway.Tests;

public sealed class RouteTableFixture : GatewayFixture
{
    // One more route under another's prefix, as configuration would add it: the longer prefix must win.
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ReverseProxy:Routes:notifications-admin:ClusterId"] = "sidecar",
        ["ReverseProxy:Routes:notifications-admin:Match:Path"] = "/api/notifications/admin/{**rest}",
        ["ReverseProxy:Routes:notifications-admin:Metadata:DaprAppId"] = "notifications-admin",
    };
}

/// <summary>The "ReverseProxy" route table: which app a public path is invoked on.</summary>
public sealed class RouteTableTests : IClassFixture<RouteTableFixture>
{
    private readonly RouteTableFixture _fx;

    public RouteTableTests(RouteTableFixture fx)
    {
        _fx = fx;
        _fx.Reset();
    }

    [Theory]
    [InlineData("/api/auth", "identity")]
    [InlineData("/api/auth/login", "identity")]
    [InlineData("/API/Auth/login", "identity")]
    [InlineData("/api/notifications/1/read", "notifications")]
    [InlineData("/api/notifications/admin", "notifications-admin")]
    [InlineData("/api/notifications/admin/stats", "notifications-admin")]
    [InlineData("/api/notifications/administrators", "notifications")]
    [InlineData("/api/tutors/3f2c9a/slots", "tutoring")]
    [InlineData("/api/analytics/channels/3f2c9a/live", "analytics")]
    [InlineData("/api/onboarding", "workflows")]
    [InlineData("/api/payments/webhooks/stripe", "payments")]
    [InlineData("/api/payouts/account", "payments")]
    [InlineData("/api/plans", "payments")]
    [InlineData("/api/subscriptions", "payments")]
    [InlineData("/api/subscriptions/mine/plan", "payments")]
    [InlineData("/api/reviews/booking/3f2c9a", "reviews")]
    [InlineData("/api/reports/exports/3f2c9a/file", "reports")]
    [InlineData("/api/shared/abcDEF_-", "reports")]
    [InlineData("/api/users/3f2c9a/role", "identity")]
    [InlineData("/api/conversations/unread", "messaging")]
    public async Task Longest_prefix_on_a_segment_boundary_wins(string path, string expectedApp)
    {
        using var client = _fx.Gateway.CreateClientWithToken();

        using var response = await client.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _fx.Sidecar.Received.Should().ContainSingle().Which.Path.Should().Be($"/v1.0/invoke/{expectedApp}/method{path}");
    }

    [Theory]
    [InlineData("POST", "/api/auth/login", true)]
    [InlineData("post", "/API/auth/login/", true)]
    [InlineData("GET", "/api/auth/login", false)]
    [InlineData("POST", "/api/auth/login/extra", false)]
    public void Public_routes_match_method_and_exact_path(string method, string path, bool expected) =>
        new PublicRoutes(["POST /api/auth/login"]).IsPublic(method, path).Should().Be(expected);

    [Theory]
    [InlineData("GET", "/api/reviews/tutor/3f2c9a?sort=helpful", HttpStatusCode.OK)]
    [InlineData("GET", "/api/reviews/booking/3f2c9a", HttpStatusCode.Unauthorized)]
    [InlineData("POST", "/api/reviews", HttpStatusCode.Unauthorized)]
    [InlineData("POST", "/api/reviews/tutor/3f2c9a", HttpStatusCode.Unauthorized)]
    public Task A_tutors_reviews_are_the_only_reviews_route_without_a_token(string method, string path, HttpStatusCode expected) =>
        SendsWithoutTokenAsync(method, path, expected);

    [Theory]
    [InlineData("GET", "/api/shared/abcDEF_-", HttpStatusCode.OK)]
    [InlineData("POST", "/api/shared/abcDEF_-", HttpStatusCode.Unauthorized)]
    [InlineData("GET", "/api/reports/exports", HttpStatusCode.Unauthorized)]
    [InlineData("POST", "/api/reports/shares", HttpStatusCode.Unauthorized)]
    public Task A_share_link_is_the_only_reports_route_without_a_token(string method, string path, HttpStatusCode expected) =>
        SendsWithoutTokenAsync(method, path, expected);

    private async Task SendsWithoutTokenAsync(string method, string path, HttpStatusCode expected)
    {
        using var client = _fx.Gateway.CreatePlainClient();

        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(expected);
    }
}
