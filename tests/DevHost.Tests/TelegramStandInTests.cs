using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using DaprPlatform.DevHost.Telegram;

namespace DaprPlatform.DevHost.Tests;

/// <summary>
/// The Telegram stand-in speaks the Bot API's protocol (core.telegram.org/bots/api, "Making requests" and the methods'
/// sections); each test names the rule it checks. Its own conventions (reserved names, control API) are checked too.
/// </summary>
public sealed class TelegramStandInTests : IAsyncLifetime
{
    private readonly TimeProvider _time = TimeProvider.System;
    // A fresh stand-in per test: the tests count chats, messages and webhook deliveries.
    private readonly TelegramStandInHost _host = new();

    private string Bot => _host.BotPath;

    public Task InitializeAsync() => _host.InitializeAsync();

    public Task DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task GetChat_for_a_public_username_answers_ok_true_with_a_ChatFullInfo_result()
    {
        using var response = await _host.Client.GetAsync($"{Bot}/getChat?chat_id=@daily_news");

        // Making requests: {"ok": true, "result": ...}. getChat returns ChatFullInfo: id, type, accent_color_id, max_reaction_count always present.
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("ok").GetBoolean().Should().BeTrue();
        var chat = body.GetProperty("result");
        chat.GetProperty("type").GetString().Should().Be("channel");
        chat.GetProperty("title").GetString().Should().Be("Daily News");
        chat.GetProperty("username").GetString().Should().Be("daily_news");
        chat.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture).Should().MatchRegex("^-100[0-9]{10}$");
        chat.TryGetProperty("accent_color_id", out _).Should().BeTrue();
        chat.TryGetProperty("max_reaction_count", out _).Should().BeTrue();
    }

    [Fact]
    public async Task A_username_always_stands_for_the_same_chat_and_its_numeric_id_resolves_once_known()
    {
        var derived = StandInChats.Derive("steady_channel");
        var unknown = await _host.Client.GetAsync($"{Bot}/getChatMemberCount?chat_id={derived.Id}");

        // Stand-in convention: a negative id is "chat not found" until the chat is known.
        await ExpectErrorAsync(unknown, 400, "Bad Request: chat not found");

        var byName = await ResultAsync(await _host.Client.GetAsync($"{Bot}/getChat?chat_id=@Steady_Channel"));
        byName.GetProperty("id").GetInt64().Should().Be(derived.Id, "Telegram usernames are case-insensitive");
        var count = await ResultAsync(await _host.Client.GetAsync($"{Bot}/getChatMemberCount?chat_id={derived.Id}"));
        count.GetInt32().Should().Be(derived.MemberCount);
    }

    [Fact]
    public async Task A_token_the_stand_in_does_not_know_is_401_Unauthorized()
    {
        using var response = await _host.Client.GetAsync("/bot1234:wrong-token/getChat?chat_id=@daily_news");

        // Bot API: a wrong bot token is answered 401 {"ok":false,"error_code":401,"description":"Unauthorized"}.
        await ExpectErrorAsync(response, 401, "Unauthorized");
    }

    [Theory]
    [InlineData("no-colon")]
    [InlineData("abc:secret")]
    [InlineData("123:")]
    public async Task A_token_that_is_not_bot_id_colon_secret_is_404_Not_Found(string token)
    {
        using var response = await _host.Client.GetAsync($"/bot{token}/getMe");

        // Bot API: a path whose token Telegram cannot read is an unknown page, 404 "Not Found" in the error envelope.
        await ExpectErrorAsync(response, 404, "Not Found");
    }

    public static TheoryData<string> Transports() => ["query", "json", "urlencoded", "multipart"];

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Parameters_are_read_from_the_query_string_json_and_both_form_encodings(string transport)
    {
        // Making requests: parameters may be passed as URL query string, application/json, application/x-www-form-urlencoded or multipart/form-data.
        HttpResponseMessage response = transport switch
        {
            "query" => await _host.Client.GetAsync($"{Bot}/getChatMemberCount?chat_id=@form_test"),
            "json" => await _host.Client.PostAsJsonAsync($"{Bot}/getChatMemberCount", new { chat_id = "@form_test" }),
            "urlencoded" => await _host.Client.PostAsync($"{Bot}/getChatMemberCount", new FormUrlEncodedContent([new("chat_id", "@form_test")])),
            _ => await _host.Client.PostAsync($"{Bot}/getChatMemberCount", new MultipartFormDataContent { { new StringContent("@form_test"), "chat_id" } }),
        };

        (await ResultAsync(response)).GetInt32().Should().Be(StandInChats.Derive("form_test").MemberCount);
    }

    [Fact]
    public async Task Method_names_are_case_insensitive_and_the_old_getChatMembersCount_name_still_works()
    {
        // Making requests: "All methods in the Bot API are case-insensitive."
        (await ResultAsync(await _host.Client.GetAsync($"{Bot}/GETCHATMEMBERCOUNT?chat_id=@case_test"))).GetInt32().Should().BePositive();
        (await ResultAsync(await _host.Client.GetAsync($"{Bot}/getChatMembersCount?chat_id=@case_test"))).GetInt32().Should().BePositive();
    }

    [Fact]
    public async Task An_unknown_method_is_404_Not_Found()
    {
        // Bot API: a method that does not exist is answered 404 "Not Found" in the error envelope.
        await ExpectErrorAsync(await _host.Client.GetAsync($"{Bot}/getChatHistory?chat_id=@daily_news"), 404, "Not Found");
    }

    public static TheoryData<string, int, string> ReservedNames() => new()
    {
        { "@missing_channel", 400, "Bad Request: chat not found" },
        { "@private_channel", 403, "Forbidden: bot is not a member of the channel chat" },
        { "@notmember_channel", 403, "Forbidden: bot is not a member of the channel chat" },
        { "@kicked_channel", 403, "Forbidden: bot was kicked from the channel chat" },
        { "@flood_channel", 429, "Too Many Requests: retry after 5" },
        { "@ab", 400, "Bad Request: chat not found" },
        { "not-a-chat", 400, "Bad Request: chat not found" },
    };

    [Theory]
    [MemberData(nameof(ReservedNames))]
    public async Task Reserved_and_malformed_names_fail_with_Telegrams_status_and_description(string chatId, int code, string description)
    {
        using var response = await _host.Client.PostAsJsonAsync($"{Bot}/getChat", new { chat_id = chatId });

        // Making requests: ok=false, error_code and description; the HTTP status is the error code.
        var body = await ExpectErrorAsync(response, code, description);
        if (code == 429)
        {
            // ResponseParameters.retry_after: seconds to wait after flood control.
            body.GetProperty("parameters").GetProperty("retry_after").GetInt32().Should().Be(StandInChats.FloodRetryAfterSeconds);
        }
    }

    [Fact]
    public async Task A_missing_chat_id_and_a_body_that_is_not_a_json_object_are_400_in_the_error_envelope()
    {
        await ExpectErrorAsync(await _host.Client.PostAsJsonAsync($"{Bot}/getChat", new { }), 400, "Bad Request: chat_id is empty");
        using var notJson = new StringContent("{\"chat_id\": ", Encoding.UTF8, "application/json");
        var body = await ExpectErrorAsync(await _host.Client.PostAsync($"{Bot}/getChat", notJson), 400, null);
        body.GetProperty("description").GetString().Should().StartWith("Bad Request:");
    }

    [Fact]
    public async Task SendMessage_answers_the_sent_Message_numbers_messages_per_chat_and_records_them()
    {
        // sendMessage: "On success, the sent Message is returned" (message_id, date, chat, text).
        var first = await ResultAsync(await _host.Client.PostAsJsonAsync($"{Bot}/sendMessage", new { chat_id = 4242, text = "Welcome!" }));
        first.GetProperty("message_id").GetInt32().Should().Be(1);
        first.GetProperty("chat").GetProperty("id").GetInt64().Should().Be(4242);
        first.GetProperty("chat").GetProperty("type").GetString().Should().Be("private");
        first.GetProperty("text").GetString().Should().Be("Welcome!");
        first.GetProperty("from").GetProperty("is_bot").GetBoolean().Should().BeTrue();

        var second = await ResultAsync(await _host.Client.PostAsync($"{Bot}/sendMessage", new FormUrlEncodedContent([new("chat_id", "4242"), new("text", "Again"), new("parse_mode", "HTML")])));
        second.GetProperty("message_id").GetInt32().Should().Be(2);

        // In a channel the post is on behalf of the channel: sender_chat, no from.
        var post = await ResultAsync(await _host.Client.PostAsJsonAsync($"{Bot}/sendMessage", new { chat_id = "@announcements", text = "Hello channel" }));
        post.GetProperty("sender_chat").GetProperty("username").GetString().Should().Be("announcements");
        post.TryGetProperty("from", out _).Should().BeFalse();

        var recorded = await _host.Client.GetFromJsonAsync<JsonElement>("/standin/messages?chatId=4242");
        first.GetProperty("date").GetInt64().Should().Be(recorded[0].GetProperty("sentAt").GetDateTimeOffset().ToUnixTimeSeconds(), "date is the send time in Unix seconds");
        recorded.EnumerateArray().Select(m => (m.GetProperty("messageId").GetInt32(), m.GetProperty("text").GetString(), m.GetProperty("parseMode").GetString()))
            .Should().Equal((1, "Welcome!", null), (2, "Again", "HTML"));
        (await _host.Client.GetFromJsonAsync<JsonElement>("/standin/messages")).GetArrayLength().Should().Be(3);

        (await _host.Client.DeleteAsync("/standin/messages")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await _host.Client.GetFromJsonAsync<JsonElement>("/standin/messages")).GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task SendMessage_rejects_empty_and_too_long_text_and_records_nothing()
    {
        // sendMessage: text is required, 1-4096 characters.
        await ExpectErrorAsync(await _host.Client.PostAsJsonAsync($"{Bot}/sendMessage", new { chat_id = 7, text = "" }), 400, "Bad Request: message text is empty");
        await ExpectErrorAsync(await _host.Client.PostAsJsonAsync($"{Bot}/sendMessage", new { chat_id = 7, text = new string('x', 4097) }), 400, "Bad Request: message is too long");
        await ExpectErrorAsync(await _host.Client.PostAsJsonAsync($"{Bot}/sendMessage", new { chat_id = "@private_room", text = "hi" }), 403, "Forbidden: bot is not a member of the channel chat");
        (await _host.Client.GetFromJsonAsync<JsonElement>("/standin/messages")).GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Control_api_shapes_a_chat_that_getChat_and_getChatMemberCount_then_report()
    {
        using var created = await _host.Client.PostAsJsonAsync("/standin/chats", new { username = "@shaped_channel", id = -1001234567890, title = "Shaped", memberCount = 77 });
        created.StatusCode.Should().Be(HttpStatusCode.Created);

        using var changed = await _host.Client.PostAsJsonAsync("/standin/chats", new { username = "shaped_channel", memberCount = 78 });
        changed.StatusCode.Should().Be(HttpStatusCode.OK);

        var chat = await ResultAsync(await _host.Client.GetAsync($"{Bot}/getChat?chat_id=-1001234567890"));
        (chat.GetProperty("username").GetString(), chat.GetProperty("title").GetString()).Should().Be(("shaped_channel", "Shaped"));
        (await ResultAsync(await _host.Client.GetAsync($"{Bot}/getChatMemberCount?chat_id=@shaped_channel"))).GetInt32().Should().Be(78);
    }

    [Fact]
    public async Task A_group_upgraded_to_a_supergroup_is_refused_with_parameters_migrate_to_chat_id()
    {
        using var created = await _host.Client.PostAsJsonAsync("/standin/chats", new { id = -4242, type = "group", title = "Old group", migrateToChatId = -1004242424242 });
        created.StatusCode.Should().Be(HttpStatusCode.Created);

        // ResponseParameters.migrate_to_chat_id: "The group has been migrated to a supergroup with the specified identifier."
        var body = await ExpectErrorAsync(await _host.Client.PostAsJsonAsync($"{Bot}/sendMessage", new { chat_id = -4242, text = "hi" }), 400, "Bad Request: group chat was upgraded to a supergroup chat");
        body.GetProperty("parameters").GetProperty("migrate_to_chat_id").GetInt64().Should().Be(-1004242424242);
        body.GetProperty("parameters").TryGetProperty("retry_after", out _).Should().BeFalse();

        using var notAGroup = await _host.Client.PostAsJsonAsync("/standin/chats", new { username = "some_channel", type = "channel", migrateToChatId = -1001 });
        (await notAGroup.ReadProblemAsync()).FieldErrors().Should().Equal("migrateToChatId");
    }

    [Fact]
    public async Task Control_api_answers_bad_input_with_problem_details_and_changes_nothing()
    {
        using var response = await _host.Client.PostAsJsonAsync("/standin/chats", new { username = "x", type = "forum", memberCount = -1 });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.ReadProblemAsync()).FieldErrors().Should().BeEquivalentTo(["username", "type", "memberCount"]);
        (await _host.Client.GetFromJsonAsync<JsonElement>("/standin/chats")).GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Apps_are_pointed_at_the_stand_in_by_two_settings_only()
    {
        _host.StandIn.AppEnvironment.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Telegram__BaseUrl"] = $"http://127.0.0.1:{_host.StandIn.BaseUrl.Port}",
            ["Telegram__BotToken"] = TelegramStandInOptions.DefaultBotToken,
        });

        var badToken = () => TelegramStandIn.StartAsync(new TelegramStandInOptions { Port = FreeTcpPort.Next(), BotToken = "no-colon" }, _time, CancellationToken.None);
        await badToken.Should().ThrowAsync<DevHostConfigurationException>().WithMessage("*<bot id>:<secret>*");
    }

    [Fact]
    public async Task Updates_go_to_the_webhook_set_with_setWebhook_with_the_secret_token_header()
    {
        var received = new System.Collections.Concurrent.ConcurrentQueue<(string? Secret, string Body)>();
        await using var bot = await LoopbackApp.StartAsync(app => app.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            received.Enqueue((context.Request.Headers["X-Telegram-Bot-Api-Secret-Token"].FirstOrDefault(), await reader.ReadToEndAsync()));
            return Results.Ok();
        }));
        var hook = new Uri(bot.BaseAddress, "/hook").ToString();

        // setWebhook returns True; getWebhookInfo reports the url.
        using var set = await _host.Client.PostAsJsonAsync($"{Bot}/setWebhook", new { url = hook, secret_token = "s3cret_token-1" });
        var setBody = await set.Content.ReadFromJsonAsync<JsonElement>();
        (setBody.GetProperty("ok").GetBoolean(), setBody.GetProperty("result").GetBoolean()).Should().Be((true, true));
        (await ResultAsync(await _host.Client.GetAsync($"{Bot}/getWebhookInfo"))).GetProperty("url").GetString().Should().Be(hook);

        using var first = await _host.Client.PostAsJsonAsync("/standin/updates", new { channel_post = new { message_id = 5, chat = new { id = -1001, type = "channel" }, date = 1 } });
        using var second = await _host.Client.PostAsJsonAsync("/standin/updates", new { update_id = 40, edited_channel_post = new { message_id = 5 } });

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32().Should().Be(200);
        // setWebhook secret_token: sent in the X-Telegram-Bot-Api-Secret-Token header of every webhook request.
        received.Select(r => r.Secret).Should().Equal("s3cret_token-1", "s3cret_token-1");
        received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("update_id").GetInt64()).Should().Equal(1, 40);
        JsonDocument.Parse(received.First().Body).RootElement.GetProperty("channel_post").GetProperty("message_id").GetInt32().Should().Be(5);

        // setWebhook: an empty url removes the webhook; updates then have nowhere to go.
        (await ResultAsync(await _host.Client.PostAsJsonAsync($"{Bot}/setWebhook", new { url = "" }))).GetBoolean().Should().BeTrue();
        // Update.update_id is a 32-bit Integer: a wider one is refused, nothing is delivered.
        using var wide = await _host.Client.PostAsJsonAsync("/standin/updates", new { update_id = 4_294_967_296L });
        wide.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await wide.ReadProblemAsync()).FieldErrors().Should().Equal("update_id");
        using var orphan = await _host.Client.PostAsJsonAsync("/standin/updates", new { update_id = 41 });
        orphan.StatusCode.Should().Be(HttpStatusCode.Conflict);
        await orphan.ReadProblemAsync();
        received.Should().HaveCount(2);
    }

    [Fact]
    public async Task SetWebhook_rejects_a_secret_token_with_characters_outside_its_alphabet_and_a_url_that_is_not_http()
    {
        // setWebhook secret_token: 1-256 characters, only A-Z, a-z, 0-9, _ and -.
        await ExpectErrorAsync(await _host.Client.PostAsJsonAsync($"{Bot}/setWebhook", new { url = "http://127.0.0.1:1/hook", secret_token = "no spaces!" }), 400, "Bad Request: secret token contains unallowed characters");
        await ExpectErrorAsync(await _host.Client.PostAsJsonAsync($"{Bot}/setWebhook", new { url = "ftp://example.org/hook" }), 400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook");
        (await ResultAsync(await _host.Client.GetAsync($"{Bot}/getWebhookInfo"))).GetProperty("url").GetString().Should().BeEmpty();
    }

    private static async Task<JsonElement> ResultAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            response.StatusCode.Should().Be(HttpStatusCode.OK, body.ToString());
            body.GetProperty("ok").GetBoolean().Should().BeTrue();
            return body.GetProperty("result").Clone();
        }
    }

    private static async Task<JsonElement> ExpectErrorAsync(HttpResponseMessage response, int code, string? description)
    {
        using (response)
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            ((int)response.StatusCode).Should().Be(code, body.ToString());
            body.GetProperty("ok").GetBoolean().Should().BeFalse();
            body.GetProperty("error_code").GetInt32().Should().Be(code);
            if (description is not null) { body.GetProperty("description").GetString().Should().Be(description); }
            body.TryGetProperty("result", out _).Should().BeFalse();
            return body.Clone();
        }
    }
}
