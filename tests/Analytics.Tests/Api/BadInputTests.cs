using System.Net;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Analytics.Tests.Api;

public sealed class BadInputTests(AnalyticsPlatform platform) : IClassFixture<AnalyticsPlatform>
{
    public static TheoryData<string, string, int, string?> Cases() => new()
    {
        // name, path suffix, expected status, expected field error
        { "minutes 0", "realtime?minutes=0", 400, "minutes" },
        { "minutes 1441", "realtime?minutes=1441", 400, "minutes" },
        { "minutes negative", "realtime?minutes=-5", 400, "minutes" },
        { "minutes text", "realtime?minutes=sixty", 400, "minutes" },
        { "minutes fraction", "realtime?minutes=1.5", 400, "minutes" },
        { "minutes huge", "realtime?minutes=99999999999999", 400, "minutes" },
        { "live minutes 0", "live?minutes=0", 400, "minutes" },
        { "period 1y", "summary?period=1y", 400, "period" },
        { "period wrong case", "summary?period=24H", 400, "period" },
        { "period number", "summary?period=24", 400, "period" },
        { "horizon 0", "forecast?horizon=0", 400, "horizon" },
        { "horizon 169", "forecast?horizon=169", 400, "horizon" },
        { "horizon negative", "forecast?horizon=-1", 400, "horizon" },
        { "horizon text", "forecast?horizon=week", 400, "horizon" },
        { "horizon fraction", "forecast?horizon=1.5", 400, "horizon" },
        { "horizon huge", "forecast?horizon=99999999999999", 400, "horizon" },
        { "top 0", "best-time?top=0", 400, "top" },
        { "top 25", "best-time?top=25", 400, "top" },
        { "top text", "best-time?top=three", 400, "top" },
        { "top signed", "best-time?top=+3", 400, "top" },
        { "forecast without history", "forecast", 422, "history" },
        { "best time without history", "best-time", 422, "history" },
        { "unknown view", "predictions", 404, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_a_problem_with_the_right_status(string name, string suffix, int status, string? field)
    {
        var (channelId, owner) = (Guid.NewGuid(), Guid.NewGuid());
        await platform.RegisterChannelAsync(channelId, owner);
        using var client = platform.Factory.CreateClientFor(owner);

        await client.ShouldRejectAsync(HttpMethod.Get, $"/api/analytics/channels/{channelId}/{suffix}", null, null, status, field, name);
    }

    [Fact]
    public async Task A_channel_id_that_is_not_a_guid_is_404()
    {
        using var client = platform.Factory.CreateClientFor(Guid.NewGuid());
        using var response = await client.GetAsync("/api/analytics/channels/not-a-guid/realtime");
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("realtime")]
    [InlineData("summary")]
    [InlineData("insights")]
    [InlineData("live")]
    [InlineData("forecast")]
    [InlineData("best-time")]
    public async Task Without_a_valid_token_every_view_is_401(string view)
    {
        var user = Guid.NewGuid();
        var tokens = platform.Factory.Tokens;
        foreach (var token in new string?[] { null, tokens.IssueExpired(user, PlatformRoles.ChannelOwner), tokens.IssueWithForeignKey(user, PlatformRoles.ChannelOwner), tokens.IssueUnsigned(user, PlatformRoles.ChannelOwner) })
        {
            using var client = platform.Factory.CreateClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/analytics/channels/{Guid.NewGuid()}/{view}");
            if (token is not null)
            {
                request.Headers.Authorization = new("Bearer", token);
            }

            using var response = await client.SendAsync(request);
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }
    }
}
