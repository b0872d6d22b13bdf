using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;

namespace DaprPlatform.Channels.Tests;

public sealed class MetricsTests(ChannelsFixture fx) : IClassFixture<ChannelsFixture>
{
    [Fact]
    public async Task A_batch_is_accepted_and_leaves_as_one_outbox_event_with_every_sample()
    {
        var me = Guid.NewGuid();
        var id = (await fx.RegisterAsync(me)).GetProperty("id").GetGuid();
        var at = DateTimeOffset.UtcNow.AddMinutes(-3);
        var kinds = new[] { "views", "reactions", "forwards", "posts", "subscribers", "joins", "leaves" };
        var samples = kinds.Select((k, i) => new { id = $"c-{i}", kind = k, value = (long)(i * 10), at = at.AddSeconds(i) }).ToArray();
        using var client = fx.Owner(me);

        using var response = await client.PostAsync($"/api/channels/{id}/metrics", ChannelsFixture.Json(new { samples }));

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32().Should().Be(7);
        var batches = await fx.OutboxEventsAsync("channel.metrics", id);
        batches.Should().ContainSingle("one CloudEvent per batch, not per sample");
        var sent = batches[0].GetProperty("samples").EnumerateArray().ToList();
        sent.Select(s => s.GetProperty("id").GetString()).Should().Equal(samples.Select(s => s.id));
        sent.Select(s => s.GetProperty("kind").GetString()).Should().Equal(kinds);
        sent.Select(s => s.GetProperty("value").GetInt64()).Should().Equal(samples.Select(s => s.value));
        sent.Select(s => s.GetProperty("at").GetDateTimeOffset()).Should().Equal(samples.Select(s => s.at));
    }

    [Fact]
    public async Task Admin_may_post_metrics_for_any_channel_and_each_batch_is_its_own_event()
    {
        var id = (await fx.RegisterAsync(Guid.NewGuid())).GetProperty("id").GetGuid();
        using var admin = fx.Admin();
        var now = DateTimeOffset.UtcNow;

        using var one = await admin.PostAsync($"/api/channels/{id}/metrics", ChannelsFixture.Json(new { samples = new[] { new { id = "a", kind = "views", value = 5L, at = now } } }));
        using var two = await admin.PostAsync($"/api/channels/{id}/metrics", ChannelsFixture.Json(new { samples = new[] { new { id = "b", kind = "subscribers", value = 0L, at = now.AddMinutes(4) } } }));

        one.StatusCode.Should().Be(HttpStatusCode.Accepted);
        two.StatusCode.Should().Be(HttpStatusCode.Accepted, "up to 5 minutes in the future is tolerated clock skew");
        (await fx.OutboxEventsAsync("channel.metrics", id)).Should().HaveCount(2);
    }

    [Fact]
    public async Task The_batch_limit_comes_from_configuration()
    {
        var me = Guid.NewGuid();
        var id = (await fx.RegisterAsync(me)).GetProperty("id").GetGuid();
        await using var small = fx.Factory.WithWebHostBuilder(b => b.UseSetting("Metrics:MaxBatchSize", "2"));
        using var client = small.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", fx.Factory.Tokens.Issue(me, DaprPlatform.ServiceDefaults.PlatformRoles.ChannelOwner));
        var now = DateTimeOffset.UtcNow;
        object Sample(string sampleId) => new { id = sampleId, kind = "views", value = 1, at = now };

        using var ok = await client.PostAsync($"/api/channels/{id}/metrics", ChannelsFixture.Json(new { samples = new[] { Sample("1"), Sample("2") } }));
        using var over = await client.PostAsync($"/api/channels/{id}/metrics", ChannelsFixture.Json(new { samples = new[] { Sample("1"), Sample("2"), Sample("3") } }));

        ok.StatusCode.Should().Be(HttpStatusCode.Accepted);
        over.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await fx.OutboxEventsAsync("channel.metrics", id)).Should().HaveCount(1);
    }
}
