using System.Diagnostics;
using System.Net.Http.Json;
using Telegram.Bot;
using Telegram.Bot.Exceptions;

namespace DaprPlatform.Conformance.Tests.Telegram;

/// <summary>
/// Every Bot API failure channels and notifications handle, as Telegram.Bot reads it from the stand-in: an
/// <see cref="ApiRequestException"/> with Telegram's error_code, description and parameters (#making-requests: "ok"
/// false, "error_code", "description", optional "parameters"; #responseparameters).
/// </summary>
public sealed class BotApiErrorTests(TelegramStandInHost host) : IClassFixture<TelegramStandInHost>
{
    private readonly TelegramBotClient _bot = StandInBot.For(host);

    private Task Call(string method, string chatId) => method switch
    {
        "getChat" => _bot.GetChat(chatId),
        "getChatMemberCount" => _bot.GetChatMemberCount(chatId),
        _ => _bot.SendMessage(chatId, "hello"),
    };

    [Theory]
    [InlineData("getChat")]
    [InlineData("getChatMemberCount")]
    [InlineData("sendMessage")]
    public async Task An_unknown_chat_is_400_chat_not_found(string method)
    {
        var error = await FluentActions.Awaiting(() => Call(method, "@missing_conformance")).Should().ThrowAsync<ApiRequestException>();

        (error.Which.ErrorCode, error.Which.Message).Should().Be((400, "Bad Request: chat not found"));
    }

    [Theory]
    [InlineData("getChat", "@notmember_conformance", "Forbidden: bot is not a member of the channel chat")]
    [InlineData("getChatMemberCount", "@private_conformance", "Forbidden: bot is not a member of the channel chat")]
    [InlineData("sendMessage", "@kicked_conformance", "Forbidden: bot was kicked from the channel chat")]
    [InlineData("getChat", "@kicked_conformance", "Forbidden: bot was kicked from the channel chat")]
    public async Task A_bot_that_is_not_a_member_or_was_kicked_is_403_Forbidden(string method, string chatId, string description)
    {
        var error = await FluentActions.Awaiting(() => Call(method, chatId)).Should().ThrowAsync<ApiRequestException>();

        (error.Which.ErrorCode, error.Which.Message).Should().Be((403, description));
    }

    [Fact]
    public async Task Flood_control_is_429_with_parameters_retry_after()
    {
        // #responseparameters retry_after: "the number of seconds left to wait before the request can be repeated".
        var error = await FluentActions.Awaiting(() => _bot.GetChat("@flood_conformance")).Should().ThrowAsync<ApiRequestException>();

        error.Which.ErrorCode.Should().Be(429);
        error.Which.Parameters!.RetryAfter.Should().Be(DevHost.Telegram.StandInChats.FloodRetryAfterSeconds);
    }

    [Fact]
    public async Task Telegram_Bot_left_to_its_defaults_waits_out_retry_after_before_it_calls_again()
    {
        // Telegram.Bot's own reading of #responseparameters: it sleeps retry_after seconds, then repeats the request.
        var patient = StandInBot.For(host, sleepThroughFloodControl: true);
        var clock = Stopwatch.StartNew();

        await FluentActions.Awaiting(() => patient.GetChatMemberCount("@flood_patience")).Should().ThrowAsync<ApiRequestException>();

        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(DevHost.Telegram.StandInChats.FloodRetryAfterSeconds));
    }

    [Fact]
    public async Task A_group_upgraded_to_a_supergroup_is_400_with_parameters_migrate_to_chat_id()
    {
        // #responseparameters migrate_to_chat_id: "The group has been migrated to a supergroup with the specified identifier".
        (await host.Client.PostAsJsonAsync("/standin/chats", new { id = -777, type = "group", migrateToChatId = -1000000000777 })).EnsureSuccessStatusCode();

        var error = await FluentActions.Awaiting(() => _bot.SendMessage(-777, "hello")).Should().ThrowAsync<ApiRequestException>();

        (error.Which.ErrorCode, error.Which.Message).Should().Be((400, "Bad Request: group chat was upgraded to a supergroup chat"));
        error.Which.Parameters!.MigrateToChatId.Should().Be(-1000000000777);
        error.Which.Parameters.RetryAfter.Should().BeNull();
    }

    [Fact]
    public async Task A_bot_token_the_Bot_API_does_not_know_is_401_Unauthorized()
    {
        // #authorizing-your-bot: every request carries the token; Telegram answers a token it does not know 401 Unauthorized.
        var stranger = StandInBot.For(host, token: "4242:not-the-stand-ins-token");

        var error = await FluentActions.Awaiting(() => stranger.GetChat("@conformance_news")).Should().ThrowAsync<ApiRequestException>();

        (error.Which.ErrorCode, error.Which.Message).Should().Be((401, "Unauthorized"));
    }

    [Fact]
    public async Task A_method_the_stand_in_does_not_serve_is_404_Not_Found_as_Telegram_answers_an_unknown_one()
    {
        // #making-requests: Telegram answers an unknown method 404 "Not Found" in the error envelope; the stand-in does the
        // same for every method it does not serve (channels reads 401 and 404 alike as "Telegram refused the bot").
        var error = await FluentActions.Awaiting(() => _bot.GetChatAdministrators("@conformance_news")).Should().ThrowAsync<ApiRequestException>();

        (error.Which.ErrorCode, error.Which.Message).Should().Be((404, "Not Found"));
    }
}
