using DaprPlatform.Gateway.Domain;

namespace DaprPlatform.Gateway.Tests;

public sealed class RouteTableTests
{
    private static readonly RouteTable Table = new(
    [
        new ServiceRoute { Prefix = "/api/auth", AppId = "identity" },
        new ServiceRoute { Prefix = "/api/notifications", AppId = "notifications" },
        new ServiceRoute { Prefix = "/api/notifications/admin/", AppId = "notifications-admin" },
    ]);

    [Theory]
    [InlineData("/api/auth", "identity")]
    [InlineData("/api/auth/login", "identity")]
    [InlineData("/API/Auth/login", "identity")]
    [InlineData("/api/notifications/1/read", "notifications")]
    [InlineData("/api/notifications/admin", "notifications-admin")]
    [InlineData("/api/notifications/admin/stats", "notifications-admin")]
    [InlineData("/api/notifications/administrators", "notifications")]
    [InlineData("/api/authors", null)]
    [InlineData("/api", null)]
    public void Longest_prefix_on_a_segment_boundary_wins(string path, string? expected) =>
        Table.Match(path)?.AppId.Should().Be(expected);

    [Fact]
    public void Unmatched_path_has_no_route() => Table.Match("/other").Should().BeNull();

    [Theory]
    [InlineData("POST", "/api/auth/login", true)]
    [InlineData("post", "/API/auth/login/", true)]
    [InlineData("GET", "/api/auth/login", false)]
    [InlineData("POST", "/api/auth/login/extra", false)]
    public void Public_routes_match_method_and_exact_path(string method, string path, bool expected) =>
        new PublicRoutes(["POST /api/auth/login"]).IsPublic(method, path).Should().Be(expected);

    [Theory]
    [InlineData("Connection", true)]
    [InlineData("keep-alive", true)]
    [InlineData("Proxy-Anything", true)]
    [InlineData("Transfer-Encoding", true)]
    [InlineData("Upgrade", true)]
    [InlineData("TE", true)]
    [InlineData("Trailer", true)]
    [InlineData("Content-Type", false)]
    [InlineData("Authorization", false)]
    public void Hop_by_hop_headers_are_recognised(string name, bool expected) =>
        ForwardedHeaders.IsHopByHop(name).Should().Be(expected);
}
