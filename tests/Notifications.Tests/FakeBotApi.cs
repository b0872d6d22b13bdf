using System.Collections.Concurrent;
using System.Net;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Notifications.Tests;

public sealed record BotApiCall(string Method, string Path, string? ContentType, string Body);

/// <summary>An in-test Kestrel server standing in for the Telegram Bot API.</summary>
public sealed class FakeBotApi : IAsyncDisposable
{
    public const string OkReply = """{"ok":true,"result":{"message_id":1,"chat":{"id":42},"text":"hi"}}""";

    private readonly WebApplication _app;

    private FakeBotApi(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

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
        var port = FreeTcpPort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var bot = new FakeBotApi(app, new Uri($"http://127.0.0.1:{port}"));
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            bot.Calls.Enqueue(new BotApiCall(context.Request.Method, context.Request.Path.Value ?? string.Empty, context.Request.ContentType, body));
            await bot.Reply(context);
        });
        await app.StartAsync();
        return bot;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
