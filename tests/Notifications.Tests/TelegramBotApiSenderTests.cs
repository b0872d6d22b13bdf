using System.Text.Json;
using DaprPlatform.Notifications.Infrastructure.Telegram;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Notifications.Tests;

/// <summary>Wire format of Bot API sendMessage against an in-test server.</summary>
public sealed class TelegramBotApiSenderTests : IAsyncLifetime
{
    private const string Token = "42:secret-token";
    private FakeBotApi _bot = null!;

    public async Task InitializeAsync() => _bot = await FakeBotApi.StartAsync();

    public async Task DisposeAsync() => await _bot.DisposeAsync();

    private static TelegramBotApiSender Sender(Uri baseUrl, string? token, HttpClient http) =>
        new(http, Options.Create(new TelegramOptions { BaseUrl = baseUrl, BotToken = token, Timeout = TimeSpan.FromSeconds(2) }), NullLogger<TelegramBotApiSender>.Instance);

    [Fact]
    public async Task Sends_post_to_bot_token_send_message_with_chat_id_and_text()
    {
        using var http = new HttpClient();

        var result = await Sender(_bot.BaseUrl, Token, http).SendMessageAsync("12345", "Hello, Ada", CancellationToken.None);

        result.Should().Be(TelegramSendResult.Sent);
        var call = _bot.Calls.Should().ContainSingle().Subject;
        call.Method.Should().Be("POST");
        call.Path.Should().Be($"/bot{Token}/sendMessage");
        call.ContentType.Should().StartWith("application/json");
        using var body = JsonDocument.Parse(call.Body);
        body.RootElement.GetProperty("chat_id").GetString().Should().Be("12345");
        body.RootElement.GetProperty("text").GetString().Should().Be("Hello, Ada");
    }

    [Fact]
    public async Task Base_url_with_a_path_and_trailing_slash_is_respected()
    {
        using var http = new HttpClient();

        await Sender(new Uri(_bot.BaseUrl, "/proxy/"), Token, http).SendMessageAsync("1", "x", CancellationToken.None);

        _bot.Calls.Should().ContainSingle().Which.Path.Should().Be($"/proxy/bot{Token}/sendMessage");
    }

    [Theory]
    [InlineData(400, """{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}""", 400, "chat not found")]
    [InlineData(403, """{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}""", 403, "blocked")]
    [InlineData(429, """{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 5","parameters":{"retry_after":5}}""", 429, "Too Many Requests")]
    [InlineData(200, """{"ok":false,"error_code":401,"description":"Unauthorized"}""", 401, "Unauthorized")]
    [InlineData(502, "<html>Bad gateway</html>", 502, "HTTP 502")]
    public async Task Telegram_errors_map_to_failed_with_code_and_description(int status, string reply, int expectedCode, string expectedText)
    {
        _bot.Reply = async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = reply.StartsWith('{') ? "application/json" : "text/html";
            await context.Response.WriteAsync(reply);
        };
        using var http = new HttpClient();

        var result = await Sender(_bot.BaseUrl, Token, http).SendMessageAsync("1", "x", CancellationToken.None);

        result.Outcome.Should().Be(TelegramSendOutcome.Failed);
        result.ErrorCode.Should().Be(expectedCode);
        result.Error.Should().Contain(expectedText).And.NotContain(Token);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Without_a_token_it_reports_not_configured_and_calls_nothing(string? token)
    {
        using var http = new HttpClient();

        var result = await Sender(_bot.BaseUrl, token, http).SendMessageAsync("1", "x", CancellationToken.None);

        result.Outcome.Should().Be(TelegramSendOutcome.NotConfigured);
        result.Error.Should().Contain("not configured");
        _bot.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task Unreachable_api_is_failed_not_an_exception()
    {
        using var http = new HttpClient();

        var result = await Sender(new Uri($"http://127.0.0.1:{FreeTcpPort.Next()}"), Token, http).SendMessageAsync("1", "x", CancellationToken.None);

        result.Outcome.Should().Be(TelegramSendOutcome.Failed);
        result.Error.Should().NotContain(Token);
    }

    [Fact]
    public async Task Slow_api_times_out_as_failed()
    {
        _bot.Reply = async context => await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
        using var http = new HttpClient();

        var result = await Sender(_bot.BaseUrl, Token, http).SendMessageAsync("1", "x", CancellationToken.None);

        result.Outcome.Should().Be(TelegramSendOutcome.Failed);
        result.Error.Should().Contain("did not answer");
    }

    [Fact]
    public async Task Caller_cancellation_propagates()
    {
        _bot.Reply = async context => await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
        using var http = new HttpClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await FluentActions.Awaiting(() => Sender(_bot.BaseUrl, Token, http).SendMessageAsync("1", "x", cts.Token))
            .Should().ThrowAsync<OperationCanceledException>();
    }
}
