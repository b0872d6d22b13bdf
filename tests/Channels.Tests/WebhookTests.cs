using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Channels.Tests;

public sealed class WebhookTests(ChannelsFixture fx) : IClassFixture<ChannelsFixture>
{
    private const long Date = 1_795_000_000; // 2026-11-18T…Z
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(Date);

    private async Task<(Guid Id, long ChatId)> ChannelAsync()
    {
        var chat = fx.Bot.AddChat($"wh_{Guid.NewGuid():N}"[..20]);
        var channel = await fx.RegisterAsync(Guid.NewGuid(), chat);
        return (channel.GetProperty("id").GetGuid(), chat.Id);
    }

    private static string S(long value) => value.ToString(CultureInfo.InvariantCulture);

    private async Task<JsonElement> SingleBatchAsync(Guid channelId)
    {
        var batches = await fx.OutboxEventsAsync("channel.metrics", channelId);
        batches.Should().ContainSingle();
        return batches[0];
    }

    private static List<(string Id, string Kind, long Value, DateTimeOffset At)> Samples(JsonElement batch) =>
        batch.GetProperty("samples").EnumerateArray()
            .Select(s => (s.GetProperty("id").GetString()!, s.GetProperty("kind").GetString()!, s.GetProperty("value").GetInt64(), s.GetProperty("at").GetDateTimeOffset()))
            .ToList();

    [Fact]
    public async Task Channel_post_counts_a_post_and_a_views_field_the_Bot_API_does_not_have_is_ignored()
    {
        var (id, chat) = await ChannelAsync();
        var update = UpdateIds.Next();

        // Bot API, Message: there is no view count; Telegram.Bot's Message has none either, so "views" is not read.
        using var response = await fx.PostUpdateAsync($$$$"""
            {"update_id":{{{{S(update)}}}},"channel_post":{"message_id":7,"chat":{"id":{{{{S(chat)}}}},"type":"channel","title":"x"},"date":{{{{S(Date)}}}},"text":"hello","views":42}}
            """);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().Should().Be("ingested");
        // Webhook sample ids are deterministic (tg-{update_id}-{kind}) so a redelivery dedupes downstream.
        Samples(await SingleBatchAsync(id)).Should().Equal(($"tg-{update}-posts", "posts", 1, At));
    }

    [Fact]
    public async Task Edited_channel_post_is_acknowledged_and_recorded_but_yields_no_samples()
    {
        var (id, chat) = await ChannelAsync();
        var update = UpdateIds.Next();

        using var response = await fx.PostUpdateAsync($$$$"""
            {"update_id":{{{{S(update)}}}},"edited_channel_post":{"message_id":8,"chat":{"id":{{{{S(chat)}}}},"type":"channel"},"date":{{{{S(Date)}}}},"edit_date":{{{{S(Date + 60)}}}},"views":99}}
            """);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await fx.OutboxEventsAsync("channel.metrics", id)).Should().BeEmpty();
        (await fx.Factory.WithDbAsync(db => db.TelegramUpdates.SingleAsync(u => u.UpdateId == update))).Type.Should().Be("edited_channel_post");
    }

    [Fact]
    public async Task Message_reaction_count_sums_the_reaction_counts()
    {
        var (id, chat) = await ChannelAsync();
        var update = UpdateIds.Next();

        using var response = await fx.PostUpdateAsync($$$$"""
            {"update_id":{{{{S(update)}}}},"message_reaction_count":{"chat":{"id":{{{{S(chat)}}}},"type":"channel"},"message_id":7,"date":{{{{S(Date)}}}},
             "reactions":[{"type":{"type":"emoji","emoji":"👍"},"total_count":5},{"type":{"type":"emoji","emoji":"🔥"},"total_count":3},{"type":{"type":"custom_emoji","custom_emoji_id":"1"},"total_count":1}]}}
            """);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Samples(await SingleBatchAsync(id)).Should().Equal(($"tg-{update}-reactions", "reactions", 9, At));
    }

    [Theory]
    [InlineData("chat_member", "left", "member", "joins")]
    [InlineData("chat_member", "kicked", "member", "joins")]
    [InlineData("chat_member", "member", "left", "leaves")]
    [InlineData("chat_member", "member", "kicked", "leaves")]
    [InlineData("chat_member", "administrator", "left", "leaves")]
    [InlineData("my_chat_member", "left", "administrator", "joins")]
    [InlineData("my_chat_member", "administrator", "left", "leaves")]
    public async Task Chat_member_status_changes_map_to_joins_and_leaves(string type, string oldStatus, string newStatus, string kind)
    {
        var (id, chat) = await ChannelAsync();
        var update = UpdateIds.Next();

        using var response = await fx.PostUpdateAsync(MemberUpdate(type, update, chat, oldStatus, newStatus));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Samples(await SingleBatchAsync(id)).Should().Equal(($"tg-{update}-{kind}", kind, 1, At));
    }

    [Theory]
    [InlineData("member", "administrator")]
    [InlineData("left", "kicked")]
    public async Task Status_changes_that_keep_membership_yield_no_samples(string oldStatus, string newStatus)
    {
        var (id, chat) = await ChannelAsync();

        using var response = await fx.PostUpdateAsync(MemberUpdate("chat_member", UpdateIds.Next(), chat, oldStatus, newStatus));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await fx.OutboxEventsAsync("channel.metrics", id)).Should().BeEmpty();
    }

    [Fact]
    public async Task Restricted_member_counts_by_is_member()
    {
        var (id, chat) = await ChannelAsync();
        var update = UpdateIds.Next();
        var json = $$$$"""
            {"update_id":{{{{S(update)}}}},"chat_member":{"chat":{"id":{{{{S(chat)}}}},"type":"channel"},"from":{"id":1,"is_bot":false,"first_name":"A"},"date":{{{{S(Date)}}}},
             "old_chat_member":{"status":"restricted","is_member":true,"user":{"id":2,"is_bot":false,"first_name":"B"}},
             "new_chat_member":{"status":"restricted","is_member":false,"user":{"id":2,"is_bot":false,"first_name":"B"}} }}
            """;

        using var response = await fx.PostUpdateAsync(json);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Samples(await SingleBatchAsync(id)).Should().Equal(($"tg-{update}-leaves", "leaves", 1, At));
    }

    [Fact]
    public async Task Redelivered_update_id_is_acknowledged_and_ingested_once()
    {
        // Telegram redelivers an update until it gets 200; the update_id is the dedupe key.
        var (id, chat) = await ChannelAsync();
        var json = $$$$"""
            {"update_id":{{{{S(UpdateIds.Next())}}}},"channel_post":{"message_id":9,"chat":{"id":{{{{S(chat)}}}},"type":"channel"},"date":{{{{S(Date)}}}}}}
            """;

        using var first = await fx.PostUpdateAsync(json);
        using var second = await fx.PostUpdateAsync(json);

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().Should().Be("duplicate");
        await SingleBatchAsync(id);
    }

    [Fact]
    public async Task Update_for_an_unregistered_chat_is_200_and_ignored()
    {
        var before = await fx.CountsAsync();

        using var response = await fx.PostUpdateAsync($$$$"""
            {"update_id":{{{{S(UpdateIds.Next())}}}},"channel_post":{"message_id":1,"chat":{"id":{{{{S(FakeTelegramBotApi.NewChannelId())}}}},"type":"channel"},"date":{{{{S(Date)}}}}}}
            """);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().Should().Be("ignored");
        (await fx.CountsAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Updates_for_a_deleted_channel_are_200_and_ignored()
    {
        var owner = Guid.NewGuid();
        var chat = fx.Bot.AddChat($"gone_{Guid.NewGuid():N}"[..20]);
        var id = (await fx.RegisterAsync(owner, chat)).GetProperty("id").GetGuid();
        using var client = fx.Owner(owner);
        (await client.DeleteAsync($"/api/channels/{id}")).EnsureSuccessStatusCode();
        var before = await fx.CountsAsync();

        using var response = await fx.PostUpdateAsync($$$$"""
            {"update_id":{{{{S(UpdateIds.Next())}}}},"channel_post":{"message_id":1,"chat":{"id":{{{{S(chat.Id)}}}},"type":"channel"},"date":{{{{S(Date)}}}}}}
            """);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().Should().Be("ignored");
        (await fx.CountsAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Update_types_channels_does_not_track_are_200_and_ignored()
    {
        var before = await fx.CountsAsync();

        using var response = await fx.PostUpdateAsync($$$$"""
            {"update_id":{{{{S(UpdateIds.Next())}}}},"message":{"message_id":1,"chat":{"id":5,"type":"private"},"date":{{{{S(Date)}}}},"text":"/start"}}
            """);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await fx.CountsAsync()).Should().Be(before);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong-secret")]
    [InlineData("webhook-secret-Abc_12")]
    [InlineData("WEBHOOK-SECRET-ABC_123")]
    public async Task Missing_or_forged_secret_token_is_401_and_nothing_is_stored(string? secret)
    {
        var (id, chat) = await ChannelAsync();
        var before = await fx.CountsAsync();

        using var response = await fx.PostUpdateAsync($$$$"""
            {"update_id":{{{{S(UpdateIds.Next())}}}},"channel_post":{"message_id":1,"chat":{"id":{{{{S(chat)}}}},"type":"channel"},"date":{{{{S(Date)}}}}}}
            """, secret);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        await response.ReadProblemAsync();
        (await fx.CountsAsync()).Should().Be(before);
        (await fx.OutboxEventsAsync("channel.metrics", id)).Should().BeEmpty();
    }

    [Fact]
    public async Task Wrong_secret_is_401_even_when_the_body_is_not_json_the_body_is_never_read()
    {
        using var response = await fx.PostUpdateAsync("this is { not json", "wrong-secret");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        await response.ReadProblemAsync();
    }

    [Fact]
    public async Task Without_a_configured_webhook_secret_every_update_is_refused_with_503()
    {
        await using var unconfigured = fx.Factory.WithWebHostBuilder(b => b.UseSetting("telegram:webhookSecret", ""));
        using var client = unconfigured.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/telegram/webhook") { Content = ChannelsFixture.Json(new { update_id = 1 }) };
        request.Headers.TryAddWithoutValidation("X-Telegram-Bot-Api-Secret-Token", "");

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await response.ReadProblemAsync()).GetProperty("detail").GetString().Should().Contain("not configured");
    }

    private static string MemberUpdate(string type, long update, long chat, string oldStatus, string newStatus) => $$$$"""
        {"update_id":{{{{S(update)}}}},"{{{{type}}}}":{"chat":{"id":{{{{S(chat)}}}},"type":"channel"},"from":{"id":1,"is_bot":false,"first_name":"A"},"date":{{{{S(Date)}}}},
         "old_chat_member":{"status":"{{{{oldStatus}}}}","user":{"id":2,"is_bot":false,"first_name":"B"}},
         "new_chat_member":{"status":"{{{{newStatus}}}}","user":{"id":2,"is_bot":false,"first_name":"B"}} }}
        """;
}
