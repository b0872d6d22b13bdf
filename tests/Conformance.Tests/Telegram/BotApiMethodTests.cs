using DaprPlatform.DevHost.Telegram;
using Telegram.Bot;
using Telegram.Bot.Requests;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace DaprPlatform.Conformance.Tests.Telegram;

/// <summary>
/// Every Bot API method channels and notifications call, through the unmodified Telegram.Bot against the stand-in. Each
/// test names its section of https://core.telegram.org/bots/api.
/// </summary>
public sealed class BotApiMethodTests(TelegramStandInHost host) : IClassFixture<TelegramStandInHost>
{
    private readonly TelegramBotClient _bot = StandInBot.For(host);

    [Fact]
    public async Task GetChat_answers_a_ChatFullInfo_a_channel_for_a_public_username()
    {
        // #getchat: "Returns a ChatFullInfo object on success"; #chat: channel ids are -100 followed by the peer id.
        var chat = await _bot.GetChat("@conformance_news");

        var expected = StandInChats.Derive("conformance_news");
        (chat.Id, chat.Type, chat.Title, chat.Username).Should().Be((expected.Id, ChatType.Channel, "Conformance News", "conformance_news"));
        chat.Id.ToString(System.Globalization.CultureInfo.InvariantCulture).Should().MatchRegex("^-100[0-9]{10}$");
        chat.MaxReactionCount.Should().BePositive("max_reaction_count is always present in ChatFullInfo");
    }

    [Fact]
    public async Task GetChat_by_numeric_id_finds_a_known_chat_and_tells_a_supergroup_from_a_channel()
    {
        // #getchat chat_id: "Unique identifier for the target chat or username of the target supergroup or channel".
        var group = await _bot.GetChat("@group_conformance");
        var again = await _bot.GetChat(group.Id);

        group.Type.Should().Be(ChatType.Supergroup);
        again.Username.Should().Be("group_conformance");
    }

    [Fact]
    public async Task GetChatMemberCount_answers_an_Integer()
    {
        // #getchatmembercount: "Returns Int on success".
        (await _bot.GetChatMemberCount("@conformance_members")).Should().Be(StandInChats.Derive("conformance_members").MemberCount);
    }

    [Fact]
    public async Task Method_names_are_case_insensitive()
    {
        // #making-requests: "All methods in the Bot API are case-insensitive." Telegram.Bot's own request type, another spelling.
        var chat = await _bot.SendRequest(new ShoutedGetChat("@conformance_case"));

        chat.Username.Should().Be("conformance_case");
    }

    [Fact]
    public async Task SendMessage_answers_the_sent_Message_from_the_bot_in_a_private_chat_and_from_the_channel_in_a_channel()
    {
        // #sendmessage: "On success, the sent Message is returned"; #message: sender_chat for messages sent on behalf of a channel.
        var me = await _bot.GetMe();
        var privateMessage = await _bot.SendMessage(90210, "Welcome, Ada");
        var post = await _bot.SendMessage("@conformance_posts", "Hello channel");

        me.IsBot.Should().BeTrue();
        me.Id.Should().Be(_bot.BotId, "#getme: the bot's User, whose id starts the token");
        (privateMessage.Chat.Id, privateMessage.Chat.Type, privateMessage.Text, privateMessage.From!.Id).Should().Be((90210, ChatType.Private, "Welcome, Ada", me.Id));
        privateMessage.Date.Should().BeCloseTo(DateTime.UtcNow, TimeSpan.FromMinutes(1));
        post.SenderChat!.Username.Should().Be("conformance_posts");
        post.From.Should().BeNull();
        host.StandIn.Chats.Messages(90210).Should().ContainSingle().Which.Text.Should().Be("Welcome, Ada");
    }

    [Fact]
    public async Task SetWebhook_getWebhookInfo_and_deleteWebhook_round_trip()
    {
        // #setwebhook "Returns True on success"; #getwebhookinfo url "empty if webhook is not set up"; #deletewebhook.
        await _bot.SetWebhook("http://127.0.0.1:9/api/telegram/webhook", secretToken: "conformance_secret-1");
        var set = await _bot.GetWebhookInfo();
        await _bot.DeleteWebhook();
        var deleted = await _bot.GetWebhookInfo();

        set.Url.Should().Be("http://127.0.0.1:9/api/telegram/webhook");
        host.StandIn.Webhook.Current.Should().BeNull();
        deleted.Url.Should().BeEmpty();
    }

    /// <summary>getChat spelled in capitals, sent through Telegram.Bot's request pipeline like any of its requests.</summary>
    private sealed class ShoutedGetChat(ChatId chatId) : RequestBase<ChatFullInfo>("GETCHAT")
    {
        public ChatId ChatId { get; } = chatId;
    }
}
