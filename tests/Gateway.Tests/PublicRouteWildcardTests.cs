using DaprPlatform.Gateway.Domain;

namespace DaprPlatform.Gateway.Tests;

/// <summary>"/*" at the end of a public route: one more segment is public (the onboarding status URL), nothing deeper or shallower.</summary>
public sealed class PublicRouteWildcardTests
{
    private static readonly PublicRoutes Routes = new(["POST /api/onboarding", "GET /api/onboarding/*"]);

    [Theory]
    [InlineData("GET", "/api/onboarding/3f2c9a", true)]
    [InlineData("get", "/API/Onboarding/3f2c9a/", true)]
    [InlineData("POST", "/api/onboarding", true)]
    [InlineData("GET", "/api/onboarding", false)]
    [InlineData("GET", "/api/onboarding/", false)]
    [InlineData("GET", "/api/onboarding/3f2c9a/history", false)]
    [InlineData("DELETE", "/api/onboarding/3f2c9a", false)]
    [InlineData("GET", "/api/onboardingx/3f2c9a", false)]
    public void One_segment_wildcard_matches_exactly_one_segment(string method, string path, bool expected) =>
        Routes.IsPublic(method, path).Should().Be(expected);

    [Theory]
    [InlineData("GET", "/api/tutors/3f2c9a/slots", true)]
    [InlineData("GET", "/api/tutors/3f2c9a/slots/", true)]
    [InlineData("GET", "/api/tutors//slots", false)]
    [InlineData("GET", "/api/tutors/3f2c9a", false)]
    [InlineData("GET", "/api/tutors/3f2c9a/slots/extra", false)]
    [InlineData("PUT", "/api/tutors/3f2c9a/slots", false)]
    public void A_wildcard_segment_in_the_middle_matches_one_segment_there(string method, string path, bool expected) =>
        new PublicRoutes(["GET /api/tutors/*/slots"]).IsPublic(method, path).Should().Be(expected);

    [Theory]
    [InlineData("GET /api/onboarding*")]
    [InlineData("GET /api/on*ing/x")]
    [InlineData("GET /*/*")]
    [InlineData("GET api/tutors")]
    public void A_star_that_is_not_a_whole_segment_or_a_pattern_that_opens_everything_is_rejected(string entry)
    {
        var act = () => new PublicRoutes([entry]);

        act.Should().Throw<ArgumentException>();
    }
}
