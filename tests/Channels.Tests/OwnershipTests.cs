using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Channels.Tests;

public sealed class OwnershipTests(ChannelsFixture fx) : IClassFixture<ChannelsFixture>
{
    [Fact]
    public async Task Owner_lists_only_own_channels_newest_first_and_paged()
    {
        var me = Guid.NewGuid();
        (await fx.DeliverPlanChangedAsync(me, "pro", version: 1)).Should().Be("SUCCESS");
        var first = await fx.RegisterAsync(me);
        var second = await fx.RegisterAsync(me);
        var third = await fx.RegisterAsync(me);
        await fx.RegisterAsync(Guid.NewGuid());
        using var client = fx.Owner(me);

        var page1 = await client.GetFromJsonAsync<JsonElement>("/api/channels?page=1&pageSize=2");
        var page2 = await client.GetFromJsonAsync<JsonElement>("/api/channels?page=2&pageSize=2");

        page1.GetProperty("total").GetInt32().Should().Be(3);
        page1.GetProperty("pageSize").GetInt32().Should().Be(2);
        Ids(page1).Should().Equal(Id(third), Id(second));
        Ids(page2).Should().Equal(Id(first));
    }

    [Fact]
    public async Task Admin_lists_and_reads_every_channel()
    {
        var a = await fx.RegisterAsync(Guid.NewGuid());
        var b = await fx.RegisterAsync(Guid.NewGuid());
        using var admin = fx.Admin();

        var page = await admin.GetFromJsonAsync<JsonElement>("/api/channels?pageSize=100");
        using var read = await admin.GetAsync($"/api/channels/{Id(a)}");

        Ids(page).Should().Contain([Id(a), Id(b)]);
        page.GetProperty("total").GetInt32().Should().Be(await fx.Factory.WithDbAsync(db => db.Channels.CountAsync()));
        read.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Owner_reads_own_channel()
    {
        var me = Guid.NewGuid();
        var channel = await fx.RegisterAsync(me);
        using var client = fx.Owner(me);

        var read = await client.GetFromJsonAsync<JsonElement>($"/api/channels/{Id(channel)}");

        read.GetProperty("id").GetGuid().Should().Be(Id(channel));
        read.GetProperty("title").GetString().Should().Be(channel.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Another_owners_channel_is_404_like_a_missing_one_for_read_delete_and_metrics()
    {
        var channel = await fx.RegisterAsync(Guid.NewGuid());
        var before = await fx.CountsAsync();
        using var stranger = fx.Owner(Guid.NewGuid());
        using var student = fx.Factory.CreateClientFor(Guid.NewGuid(), PlatformRoles.Student);

        using var read = await stranger.GetAsync($"/api/channels/{Id(channel)}");
        using var missing = await stranger.GetAsync($"/api/channels/{Guid.NewGuid()}");
        using var delete = await stranger.DeleteAsync($"/api/channels/{Id(channel)}");
        using var metrics = await stranger.PostAsync($"/api/channels/{Id(channel)}/metrics",
            ChannelsFixture.Json(new { samples = new[] { new { id = "s1", kind = "views", value = 1, at = DateTimeOffset.UtcNow } } }));
        using var studentRead = await student.GetAsync($"/api/channels/{Id(channel)}");

        foreach (var response in new[] { read, missing, delete, metrics, studentRead })
        {
            response.StatusCode.Should().Be(HttpStatusCode.NotFound);
            (await response.ReadProblemAsync()).GetProperty("title").GetString().Should().Be("The resource was not found.");
        }

        (await fx.CountsAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Student_lists_nothing()
    {
        await fx.RegisterAsync(Guid.NewGuid());
        using var student = fx.Factory.CreateClientFor(Guid.NewGuid(), PlatformRoles.Student);

        var page = await student.GetFromJsonAsync<JsonElement>("/api/channels");

        page.GetProperty("total").GetInt32().Should().Be(0);
    }

    [Theory]
    [InlineData("GET", "/api/channels")]
    [InlineData("POST", "/api/channels")]
    [InlineData("GET", "/api/channels/8d3c0c1e-7b39-4f3e-9d7a-0c3f7e7f0a11")]
    [InlineData("DELETE", "/api/channels/8d3c0c1e-7b39-4f3e-9d7a-0c3f7e7f0a11")]
    [InlineData("POST", "/api/channels/8d3c0c1e-7b39-4f3e-9d7a-0c3f7e7f0a11/metrics")]
    public async Task Without_a_valid_token_every_channel_route_is_401(string method, string path)
    {
        var user = Guid.NewGuid();
        var before = await fx.CountsAsync();
        var tokens = fx.Factory.Tokens;
        foreach (var token in new string?[] { null, tokens.IssueExpired(user, PlatformRoles.ChannelOwner), tokens.IssueWithForeignKey(user, PlatformRoles.ChannelOwner), tokens.IssueUnsigned(user, PlatformRoles.ChannelOwner) })
        {
            using var client = fx.Factory.CreateClient();
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (token is not null)
            {
                request.Headers.Authorization = new("Bearer", token);
            }

            if (method == "POST")
            {
                request.Content = ChannelsFixture.Json(new { telegram = "@whatever_chan" });
            }

            using var response = await client.SendAsync(request);

            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            await response.ReadProblemAsync();
        }

        (await fx.CountsAsync()).Should().Be(before);
    }

    private static Guid Id(JsonElement channel) => channel.GetProperty("id").GetGuid();

    private static List<Guid> Ids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(Id).ToList();
}
