using System.Text.Json;
using DaprPlatform.Telegram;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Telegram.Bot;
using Telegram.Bot.Exceptions;

namespace DaprPlatform.Notifications.Tests;

/// <summary>
/// The shared Telegram registration (AddTelegramBotClient) and its reading of Telegram.Bot's failures
/// (TelegramFailure), against an in-test Bot API server: what notifications' sendMessage puts on the wire.
/// </summary>
public sealed class TelegramClientTests : IAsyncLifetime
{
    private const string Token = "42:secret-token";
    private FakeBotApi _bot = null!;

    public async Task InitializeAsync() => _bot = await FakeBotApi.StartAsync();

    public async Task DisposeAsync() => await _bot.DisposeAsync();

    // Generous by default: a loaded CI machine once took over 2 s to answer a local 404, read as a timeout.
    private static ServiceProvider Services(Uri baseUrl, string? token, string timeout = "00:00:30") => new ServiceCollection()
        .AddTelegramBotClient(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Telegram:BaseUrl"] = baseUrl.ToString(),
            ["telegram:botToken"] = token,
            ["Telegram:Timeout"] = timeout,
        }).Build())
        .BuildServiceProvider();

    private async Task<TelegramFailure> FailureOfSendAsync(Uri? baseUrl = null, string timeout = "00:00:30", CancellationToken ct = default)
    {
        await using var services = Services(baseUrl ?? _bot.BaseUrl, Token, timeout);
        var bot = services.GetRequiredService<ConfiguredTelegramBot>().Client!;
        var exception = await FluentActions.Awaiting(() => bot.SendMessage("1", "x", cancellationToken: ct)).Should().ThrowAsync<RequestException>();
        return TelegramFailure.From(exception.Which);
    }

    [Fact]
    public async Task SendMessage_posts_json_to_bot_token_sendMessage_with_chat_id_and_text()
    {
        await using var services = Services(_bot.BaseUrl, Token);

        await services.GetRequiredService<ConfiguredTelegramBot>().Client!.SendMessage("@ada_lovelace", "Hello, Ada");

        var call = _bot.Calls.Should().ContainSingle().Subject;
        call.Method.Should().Be("POST");
        call.Path.Should().Be($"/bot{Token}/sendMessage");
        call.ContentType.Should().StartWith("application/json");
        using var body = JsonDocument.Parse(call.Body);
        body.RootElement.GetProperty("chat_id").GetString().Should().Be("@ada_lovelace");
        body.RootElement.GetProperty("text").GetString().Should().Be("Hello, Ada");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Without_a_token_there_is_no_client_and_nothing_is_called(string? token)
    {
        await using var services = Services(_bot.BaseUrl, token);

        services.GetRequiredService<ConfiguredTelegramBot>().Client.Should().BeNull();
        _bot.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task A_token_Telegram_Bot_cannot_use_fails_options_validation()
    {
        await using var services = Services(_bot.BaseUrl, "no-bot-id");

        FluentActions.Invoking(() => services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TelegramSettings>>().Value)
            .Should().Throw<Microsoft.Extensions.Options.OptionsValidationException>().WithMessage("*<bot id>:<secret>*");
    }

    [Theory]
    [InlineData(400, """{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}""", TelegramFailureKind.Refused, 400, "chat not found")]
    [InlineData(403, """{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}""", TelegramFailureKind.Refused, 403, "blocked")]
    [InlineData(401, """{"ok":false,"error_code":401,"description":"Unauthorized"}""", TelegramFailureKind.TokenRefused, 401, "Unauthorized")]
    [InlineData(404, """{"ok":false,"error_code":404,"description":"Not Found"}""", TelegramFailureKind.TokenRefused, 404, "Not Found")]
    [InlineData(500, """{"ok":false,"error_code":500,"description":"Internal Server Error"}""", TelegramFailureKind.Unavailable, 500, "Internal")]
    [InlineData(502, "<html>Bad gateway</html>", TelegramFailureKind.Unavailable, 502, "HTTP 502")]
    public async Task Telegram_errors_are_read_by_kind_with_code_and_description(int status, string reply, TelegramFailureKind kind, int code, string text)
    {
        _bot.Reply = async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = reply.StartsWith('{') ? "application/json" : "text/html";
            await context.Response.WriteAsync(reply);
        };

        var failure = await FailureOfSendAsync();

        failure.Kind.Should().Be(kind);
        failure.ErrorCode.Should().Be(code);
        failure.ToString().Should().Contain(text).And.NotContain(Token);
    }

    [Fact]
    public async Task Flood_control_is_passed_on_with_retry_after_not_slept_through()
    {
        _bot.Reply = async context =>
        {
            context.Response.StatusCode = 429;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 5","parameters":{"retry_after":5}}""");
        };

        var failure = await FailureOfSendAsync();

        // Bot API, ResponseParameters.retry_after; Telegram.Bot would otherwise wait it out and call again.
        failure.Kind.Should().Be(TelegramFailureKind.FloodControl);
        failure.RetryAfter.Should().Be(TimeSpan.FromSeconds(5));
        _bot.Calls.Should().ContainSingle();
    }

    [Fact]
    public async Task Unreachable_api_is_unavailable_without_the_token_in_the_description()
    {
        var failure = await FailureOfSendAsync(new Uri($"http://127.0.0.1:{FreeTcpPort.Next()}"));

        failure.Kind.Should().Be(TelegramFailureKind.Unavailable);
        failure.Description.Should().StartWith("Telegram unreachable").And.NotContain(Token);
    }

    [Fact]
    public async Task Slow_api_times_out_as_unavailable()
    {
        _bot.Reply = async context => await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);

        var failure = await FailureOfSendAsync(timeout: "00:00:02");

        failure.Kind.Should().Be(TelegramFailureKind.Unavailable);
        failure.Description.Should().Contain("did not answer");
    }

    [Fact]
    public async Task Caller_cancellation_propagates()
    {
        _bot.Reply = async context => await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
        await using var services = Services(_bot.BaseUrl, Token);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await FluentActions.Awaiting(() => services.GetRequiredService<ConfiguredTelegramBot>().Client!.SendMessage("1", "x", cancellationToken: cts.Token))
            .Should().ThrowAsync<OperationCanceledException>();
    }
}
