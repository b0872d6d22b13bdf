using System.Collections.Concurrent;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Notifications.Tests;

public sealed record BotApiCall(string Method, string Path, string? ContentType, string Body);

/// <summary>An in-test Kestrel server standing in for the Telegram Bot API.</summary>
public sealed class FakeBotApi : IAsyncDisposable
{
    public const string OkReply = """{"ok":true,"result":{"message_id":1,"chat":{"id":42},"text":"hi"}}""";

    private LoopbackApp _app = null!;

    private FakeBotApi()
    {
    }

    public Uri BaseUrl => _app.BaseAddress;

    public ConcurrentQueue<BotApiCall> Calls { get; } = new();

    /// <summary>Status and JSON body of the next replies; defaults to Telegram's success shape.</summary>
    public Func<HttpContext, Task> Reply { get; set; } = Ok;

    public static Task Ok(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(OkReply);
    }

    public static async Task<FakeBotApi> StartAsync()
    {
        var bot = new FakeBotApi();
        bot._app = await LoopbackApp.StartAsync(app => app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            bot.Calls.Enqueue(new BotApiCall(context.Request.Method, context.Request.Path.Value ?? string.Empty, context.Request.ContentType, body));
            await bot.Reply(context);
        }));
        return bot;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
