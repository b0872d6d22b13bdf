using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace DaprPlatform.Conformance.Tests.Telegram;

/// <summary>
/// Updates the stand-in delivers to a webhook set through Telegram.Bot deserialize into Telegram.Bot's
/// <see cref="Update"/> with its own settings (<see cref="JsonBotAPI.Options"/>), as channels reads them (#setwebhook,
/// #update, and the objects each update type carries).
/// </summary>
public sealed class WebhookUpdateTests(TelegramStandInHost host) : IClassFixture<TelegramStandInHost>, IAsyncLifetime
{
    private const string Secret = "conformance_webhook-secret";
    private readonly TelegramBotClient _bot = StandInBot.For(host);
    private readonly ConcurrentQueue<(string? Secret, string Body)> _received = new();
    private LoopbackApp _webhook = null!;

    public async Task InitializeAsync()
    {
        _webhook = await LoopbackApp.StartAsync(app => app.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            _received.Enqueue((context.Request.Headers["X-Telegram-Bot-Api-Secret-Token"].FirstOrDefault(), await reader.ReadToEndAsync(context.RequestAborted)));
            return Results.Ok();
        }));
        await _bot.SetWebhook(new Uri(_webhook.BaseAddress, "/hook").ToString(), secretToken: Secret);
    }

    public async Task DisposeAsync()
    {
        await _bot.DeleteWebhook();
        await _webhook.DisposeAsync();
    }

    private async Task<Update> DeliverAsync(object update)
    {
        using var response = await host.Client.PostAsJsonAsync("/standin/updates", update);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        _received.TryDequeue(out var delivered).Should().BeTrue();
        // #setwebhook secret_token: sent "in every webhook request" in X-Telegram-Bot-Api-Secret-Token.
        delivered.Secret.Should().Be(Secret);
        return JsonSerializer.Deserialize<Update>(delivered.Body, JsonBotAPI.Options)!;
    }

    private static object Chat(long id) => new { id, type = "channel", title = "Conformance" };

    private static object Member(string status, long userId) => new { status, user = new { id = userId, is_bot = false, first_name = "Ada" } };

    [Fact]
    public async Task A_channel_post_arrives_as_an_Update_with_a_Message_and_a_positive_update_id()
    {
        // #update update_id: positive, increasing; channel_post: "New incoming channel post of any kind".
        var update = await DeliverAsync(new { channel_post = new { message_id = 11, chat = Chat(-1001000000001), date = 1_795_000_000, text = "hello" } });

        update.Id.Should().BePositive();
        update.Type.Should().Be(UpdateType.ChannelPost);
        (update.ChannelPost!.Id, update.ChannelPost.Chat.Id, update.ChannelPost.Chat.Type, update.ChannelPost.Text).Should().Be((11, -1001000000001, ChatType.Channel, "hello"));
        update.ChannelPost.Date.Should().Be(DateTimeOffset.FromUnixTimeSeconds(1_795_000_000).UtcDateTime);
    }

    [Fact]
    public async Task An_edited_channel_post_keeps_the_update_id_it_was_given()
    {
        // #update: "If there are no new updates for at least a week, then identifier of the next update will be chosen randomly".
        var update = await DeliverAsync(new { update_id = 2_000_000_000, edited_channel_post = new { message_id = 11, chat = Chat(-1001000000001), date = 1_795_000_000, edit_date = 1_795_000_060 } });

        (update.Id, update.Type).Should().Be((2_000_000_000, UpdateType.EditedChannelPost));
        update.EditedChannelPost!.EditDate.Should().Be(DateTimeOffset.FromUnixTimeSeconds(1_795_000_060).UtcDateTime);
    }

    [Fact]
    public async Task A_message_reaction_count_carries_ReactionCount_objects_of_every_ReactionType()
    {
        // #messagereactioncountupdated, #reactioncount, #reactiontype (emoji, custom_emoji, paid).
        var update = await DeliverAsync(new
        {
            message_reaction_count = new
            {
                chat = Chat(-1001000000002),
                message_id = 3,
                date = 1_795_000_000,
                reactions = new object[]
                {
                    new { type = new { type = "emoji", emoji = "👍" }, total_count = 5 },
                    new { type = new { type = "custom_emoji", custom_emoji_id = "5368324170671202286" }, total_count = 2 },
                    new { type = new { type = "paid" }, total_count = 1 },
                },
            },
        });

        update.Type.Should().Be(UpdateType.MessageReactionCount);
        update.MessageReactionCount!.Reactions.Select(r => (r.Type.Type, r.TotalCount)).Should().Equal(
            (ReactionTypeKind.Emoji, 5), (ReactionTypeKind.CustomEmoji, 2), (ReactionTypeKind.Paid, 1));
    }

    [Theory]
    [InlineData("chat_member", "left", "member", false, true)]
    [InlineData("chat_member", "member", "kicked", true, false)]
    [InlineData("my_chat_member", "left", "administrator", false, true)]
    public async Task Chat_member_updates_carry_ChatMember_objects_by_status(string type, string oldStatus, string newStatus, bool wasIn, bool isIn)
    {
        // #chatmemberupdated old_chat_member/new_chat_member; #chatmember: the status names the kind of ChatMember.
        var change = new { chat = Chat(-1001000000003), from = new { id = 1, is_bot = false, first_name = "Admin" }, date = 1_795_000_000, old_chat_member = Member(oldStatus, 7), new_chat_member = Member(newStatus, 7) };
        var update = await DeliverAsync(type == "chat_member" ? new { chat_member = change } : new { my_chat_member = change });

        var member = type == "chat_member" ? update.ChatMember : update.MyChatMember;
        update.Type.Should().Be(type == "chat_member" ? UpdateType.ChatMember : UpdateType.MyChatMember);
        (member!.OldChatMember.IsInChat, member.NewChatMember.IsInChat, member.NewChatMember.User.Id).Should().Be((wasIn, isIn, 7));
    }

    [Fact]
    public async Task A_restricted_member_says_with_is_member_whether_it_is_in_the_chat()
    {
        // #chatmemberrestricted is_member: "True, if the user is a member of the chat at the moment of the request".
        var restricted = new { status = "restricted", is_member = true, user = new { id = 8, is_bot = false, first_name = "Bo" }, until_date = 0 };
        var update = await DeliverAsync(new { chat_member = new { chat = Chat(-1001000000004), from = new { id = 1, is_bot = false, first_name = "Admin" }, date = 1_795_000_000, old_chat_member = Member("left", 8), new_chat_member = restricted } });

        update.ChatMember!.NewChatMember.Should().BeOfType<ChatMemberRestricted>().Which.IsInChat.Should().BeTrue();
    }
}
