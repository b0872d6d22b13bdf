using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Channels.Tests;

public sealed class RegistrationTests(ChannelsFixture fx) : IClassFixture<ChannelsFixture>
{
    [Fact]
    public async Task Owner_registers_a_verified_channel_and_channel_registered_is_in_the_outbox()
    {
        var owner = Guid.NewGuid();
        var chat = fx.Bot.AddChat("analytic_news", members: 4321, title: "Analytic News");
        using var client = fx.Owner(owner);

        using var response = await client.PostAsync("/api/channels", ChannelsFixture.Json(new { telegram = "@analytic_news" }));

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetGuid();
        response.Headers.Location!.ToString().Should().Be($"/api/channels/{id}");
        body.GetProperty("telegramChatId").GetInt64().Should().Be(chat.Id);
        body.GetProperty("username").GetString().Should().Be("@analytic_news");
        body.GetProperty("title").GetString().Should().Be("Analytic News");
        body.GetProperty("ownerId").GetGuid().Should().Be(owner);
        body.GetProperty("subscribers").GetInt32().Should().Be(4321);

        var stored = await fx.Factory.WithDbAsync(db => db.Channels.SingleAsync(c => c.Id == id));
        stored.TelegramChatId.Should().Be(chat.Id);
        stored.SubscribersAtRegistration.Should().Be(4321);

        var events = await fx.OutboxEventsAsync("channel.registered", id);
        events.Should().ContainSingle();
        var evt = events[0];
        evt.GetProperty("telegramChatId").GetInt64().Should().Be(chat.Id);
        evt.GetProperty("username").GetString().Should().Be("analytic_news");
        evt.GetProperty("title").GetString().Should().Be("Analytic News");
        evt.GetProperty("ownerId").GetGuid().Should().Be(owner);
        evt.GetProperty("subscribers").GetInt32().Should().Be(4321);
        evt.GetProperty("registeredAt").GetDateTimeOffset().Should().Be(stored.CreatedAt);
        body.GetProperty("createdAt").GetDateTimeOffset().Should().Be(stored.CreatedAt);
    }

    [Fact]
    public async Task Numeric_chat_id_registers_too()
    {
        var chat = fx.Bot.AddChat(username: null, title: "Private stats");
        using var client = fx.Owner(Guid.NewGuid());

        using var response = await client.PostAsync("/api/channels", ChannelsFixture.Json(new { telegram = chat.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }));

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("telegramChatId").GetInt64().Should().Be(chat.Id);
        body.GetProperty("username").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task Admin_may_register_a_channel()
    {
        var chat = fx.Bot.AddChat("admin_owned");
        using var client = fx.Admin();

        using var response = await client.PostAsync("/api/channels", ChannelsFixture.Json(new { telegram = "@admin_owned" }));

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        (await fx.Factory.WithDbAsync(db => db.Channels.CountAsync(c => c.TelegramChatId == chat.Id))).Should().Be(1);
    }

    [Fact]
    public async Task Registering_the_same_chat_again_is_409_by_username_or_id_and_writes_nothing()
    {
        var chat = fx.Bot.AddChat("dup_channel");
        await fx.RegisterAsync(Guid.NewGuid(), chat);
        var before = await fx.CountsAsync();
        using var other = fx.Owner(Guid.NewGuid());

        using var byName = await other.PostAsync("/api/channels", ChannelsFixture.Json(new { telegram = "@DUP_channel" }));
        using var byId = await other.PostAsync("/api/channels", ChannelsFixture.Json(new { telegram = chat.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }));

        byName.StatusCode.Should().Be(HttpStatusCode.Conflict);
        await byName.ReadProblemAsync();
        byId.StatusCode.Should().Be(HttpStatusCode.Conflict);
        await byId.ReadProblemAsync();
        (await fx.CountsAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_chat_leave_exactly_one_row_the_database_decides()
    {
        var chat = fx.Bot.AddChat("race_channel");
        var attempts = Enumerable.Range(0, 4).Select(async _ =>
        {
            using var client = fx.Owner(Guid.NewGuid());
            using var response = await client.PostAsync("/api/channels", ChannelsFixture.Json(new { telegram = "@race_channel" }));
            return response.StatusCode;
        });

        var statuses = await Task.WhenAll(attempts);

        statuses.Count(s => s == HttpStatusCode.Created).Should().Be(1);
        statuses.Where(s => s != HttpStatusCode.Created).Should().OnlyContain(s => s == HttpStatusCode.Conflict);
        (await fx.Factory.WithDbAsync(db => db.Channels.CountAsync(c => c.TelegramChatId == chat.Id))).Should().Be(1);
    }

    [Theory]
    [InlineData(PlatformRoles.Student)]
    [InlineData(PlatformRoles.Tutor)]
    public async Task Only_channel_owners_and_admins_register_others_get_403(string role)
    {
        fx.Bot.AddChat($"role_{role}_x");
        var before = await fx.CountsAsync();
        using var client = fx.Factory.CreateClientFor(Guid.NewGuid(), role);

        using var response = await client.PostAsync("/api/channels", ChannelsFixture.Json(new { telegram = $"@role_{role}_x" }));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        await response.ReadProblemAsync();
        (await fx.CountsAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Unknown_chat_is_422_with_a_field_error_on_telegram()
    {
        var before = await fx.CountsAsync();
        using var client = fx.Owner(Guid.NewGuid());

        using var response = await client.PostAsync("/api/channels", ChannelsFixture.Json(new { telegram = "@nobody_has_this" }));

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var problem = await response.ReadProblemAsync();
        problem.FieldErrors().Should().Equal("telegram");
        (await fx.CountsAsync()).Should().Be(before);
    }

    [Fact]
    public async Task A_group_is_not_a_channel_422()
    {
        fx.Bot.AddChat("some_group", type: "supergroup");
        var before = await fx.CountsAsync();
        using var client = fx.Owner(Guid.NewGuid());

        using var response = await client.PostAsync("/api/channels", ChannelsFixture.Json(new { telegram = "@some_group" }));

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var problem = await response.ReadProblemAsync();
        problem.FieldErrors().Should().Equal("telegram");
        problem.GetProperty("errors").GetProperty("telegram")[0].GetString().Should().Contain("supergroup");
        (await fx.CountsAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Telegram_unreachable_is_502_and_writes_nothing()
    {
        var before = await fx.CountsAsync();
        await using var offline = fx.Factory.WithWebHostBuilder(b => b.UseSetting("Telegram:BaseUrl", $"http://127.0.0.1:{FreeTcpPort.Next()}"));
        using var client = offline.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", fx.Factory.Tokens.Issue(Guid.NewGuid(), PlatformRoles.ChannelOwner));

        using var response = await client.PostAsync("/api/channels", ChannelsFixture.Json(new { telegram = "@offline_chan" }));

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        await response.ReadProblemAsync();
        (await fx.CountsAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Telegram_answering_with_something_that_is_not_the_bot_api_is_502()
    {
        fx.Bot.BreakChat("@behind_proxy");
        var before = await fx.CountsAsync();
        using var client = fx.Owner(Guid.NewGuid());

        using var response = await client.PostAsync("/api/channels", ChannelsFixture.Json(new { telegram = "@behind_proxy" }));

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        await response.ReadProblemAsync();
        (await fx.CountsAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Telegram_flood_control_is_503_with_Telegrams_retry_after_and_writes_nothing()
    {
        fx.Bot.Flood("@busy_channel", 7);
        var before = await fx.CountsAsync();
        var calls = fx.Bot.Calls.Count;
        using var client = fx.Owner(Guid.NewGuid());

        using var response = await client.PostAsync("/api/channels", ChannelsFixture.Json(new { telegram = "@busy_channel" }));

        // Bot API, ResponseParameters.retry_after: seconds left to wait before the request can be repeated.
        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(7));
        await response.ReadProblemAsync();
        fx.Bot.Calls.Count.Should().Be(calls + 1, "flood control is passed on, not slept through inside the request");
        (await fx.CountsAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Telegram_refusing_the_bot_token_is_502_not_the_callers_fault()
    {
        fx.Bot.AddChat("token_test");
        await using var wrongToken = fx.Factory.WithWebHostBuilder(b => b.UseSetting("telegram:botToken", "999:wrong"));
        using var client = wrongToken.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", fx.Factory.Tokens.Issue(Guid.NewGuid(), PlatformRoles.ChannelOwner));

        using var response = await client.PostAsync("/api/channels", ChannelsFixture.Json(new { telegram = "@token_test" }));

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        var problem = await response.ReadProblemAsync();
        problem.GetProperty("detail").GetString().Should().Contain("refused the configured bot token");
        problem.ToString().Should().NotContain("999:wrong", "the bot token is a secret");
    }

    [Fact]
    public async Task No_bot_token_configured_is_503_saying_so_and_Telegram_is_not_called()
    {
        fx.Bot.AddChat("no_token_chan");
        var calls = fx.Bot.Calls.Count;
        await using var unconfigured = fx.Factory.WithWebHostBuilder(b => b.UseSetting("telegram:botToken", ""));
        using var client = unconfigured.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", fx.Factory.Tokens.Issue(Guid.NewGuid(), PlatformRoles.ChannelOwner));

        using var response = await client.PostAsync("/api/channels", ChannelsFixture.Json(new { telegram = "@no_token_chan" }));

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        var problem = await response.ReadProblemAsync();
        problem.GetProperty("detail").GetString().Should().Contain("bot token is not configured");
        fx.Bot.Calls.Count.Should().Be(calls);
    }
}
