using System.Net;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Channels.Tests;

public sealed class RemovalTests(ChannelsFixture fx) : IClassFixture<ChannelsFixture>
{
    [Fact]
    public async Task Owner_deletes_a_channel_and_channel_removed_is_in_the_outbox()
    {
        var me = Guid.NewGuid();
        var chat = fx.Bot.AddChat("remove_me_chan");
        var channel = await fx.RegisterAsync(me, chat);
        var id = channel.GetProperty("id").GetGuid();
        using var client = fx.Owner(me);

        using var delete = await client.DeleteAsync($"/api/channels/{id}");
        using var read = await client.GetAsync($"/api/channels/{id}");
        using var again = await client.DeleteAsync($"/api/channels/{id}");

        delete.StatusCode.Should().Be(HttpStatusCode.NoContent);
        read.StatusCode.Should().Be(HttpStatusCode.NotFound);
        again.StatusCode.Should().Be(HttpStatusCode.NotFound);
        await again.ReadProblemAsync();
        (await fx.Factory.WithDbAsync(db => db.Channels.CountAsync(c => c.Id == id))).Should().Be(0);
        var removed = await fx.OutboxEventsAsync("channel.removed", id);
        removed.Should().ContainSingle("a second delete finds nothing and publishes nothing");
        removed[0].GetProperty("removedAt").GetDateTimeOffset().Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Admin_deletes_any_channel_and_the_chat_can_be_registered_again()
    {
        var chat = fx.Bot.AddChat("admin_removes");
        var channel = await fx.RegisterAsync(Guid.NewGuid(), chat);
        using var admin = fx.Admin();

        using var delete = await admin.DeleteAsync($"/api/channels/{channel.GetProperty("id").GetGuid()}");
        var again = await fx.RegisterAsync(Guid.NewGuid(), chat);

        delete.StatusCode.Should().Be(HttpStatusCode.NoContent);
        again.GetProperty("telegramChatId").GetInt64().Should().Be(chat.Id);
    }
}
