using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using FluentAssertions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Xunit;

namespace DaprPlatform.DevHost.Tests.Actors;

/// <summary>One request the actor app received, with when its handling started and ended (to observe turn overlap).</summary>
public sealed record ActorAppCall(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset Started)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? Header(string name) => Headers.GetValueOrDefault(name.ToLowerInvariant());
}

/// <summary>The answer an actor app gives: status, body and extra response headers.</summary>
public sealed record ActorAppReply(int Status, string? Body = null, IReadOnlyDictionary<string, string>? Headers = null)
{
    public static readonly ActorAppReply Ok = new(200);
}

/// <summary>
/// An in-test app hosting actors over Dapr's app-side actor protocol: serves GET /dapr/config, answers callbacks through
/// an async per-test handler, records every request and tracks how many callbacks per actor id run at the same time.
/// </summary>
public sealed class ActorApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _maxRunning = new(StringComparer.Ordinal);
    private int _runningAll;
    private int _maxRunningAll;

    private ActorApp(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The JSON GET /dapr/config answers; null = 404 (the app hosts no actors).</summary>
    public string? Config { get; set; }

    public ConcurrentQueue<ActorAppCall> Calls { get; } = new();

    /// <summary>Answers actor method, reminder and timer callbacks; the default answers 200 with {"ok":true}.</summary>
    public Func<ActorAppCall, Task<ActorAppReply>> Handler { get; set; } = _ => Task.FromResult(new ActorAppReply(200, """{"ok":true}"""));

    /// <summary>The most callbacks seen running at once for one actor ("type/id").</summary>
    public int MaxConcurrent(string actor) => _maxRunning.GetValueOrDefault(actor);

    /// <summary>The most callbacks seen running at once over all actors.</summary>
    public int MaxConcurrentOverall => Volatile.Read(ref _maxRunningAll);

    public static async Task<ActorApp> StartAsync(int port, string? config)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var web = builder.Build();
        var app = new ActorApp(web, port) { Config = config };
        web.Run(app.HandleAsync);
        await web.StartAsync();
        return app;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        using var ms = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms);
        var call = new ActorAppCall(
            ctx.Request.Method,
            ctx.Request.Path.Value ?? "",
            ctx.Request.QueryString.Value ?? "",
            ctx.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            ms.ToArray(),
            TimeProvider.System.GetUtcNow());
        Calls.Enqueue(call);
        if (call.Path == "/dapr/config")
        {
            ctx.Response.StatusCode = Config is null ? 404 : 200;
            ctx.Response.ContentType = "application/json";
            if (Config is not null) { await ctx.Response.WriteAsync(Config); }
            return;
        }

        if (call.Path == "/healthz" || call.Path == "/dapr/subscribe")
        {
            ctx.Response.StatusCode = call.Path == "/healthz" ? 200 : 404;
            return;
        }

        if (call.Method == "DELETE")
        {
            // Deactivation: DELETE /actors/{type}/{id} expects 200.
            ctx.Response.StatusCode = 200;
            return;
        }

        var segments = call.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var actor = segments.Length >= 3 ? segments[1] + "/" + segments[2] : call.Path;
        var now = _running.AddOrUpdate(actor, 1, (_, n) => n + 1);
        _maxRunning.AddOrUpdate(actor, now, (_, m) => Math.Max(m, now));
        var all = Interlocked.Increment(ref _runningAll);
        InterlockedMax(ref _maxRunningAll, all);
        try
        {
            var reply = await Handler(call);
            ctx.Response.StatusCode = reply.Status;
            foreach (var (k, v) in reply.Headers ?? new Dictionary<string, string>()) { ctx.Response.Headers[k] = v; }
            if (reply.Body is not null)
            {
                ctx.Response.ContentType = "application/json";
                await ctx.Response.WriteAsync(reply.Body);
            }
        }
        finally
        {
            _running.AddOrUpdate(actor, 0, (_, n) => n - 1);
            Interlocked.Decrement(ref _runningAll);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
            // Retry until the stored maximum is at least value.
        }
    }

    public IReadOnlyList<ActorAppCall> To(string path) => Calls.Where(c => c.Path == path).ToList();

    /// <summary>Waits until at least <paramref name="count"/> calls match; returns the matches found by then.</summary>
    public async Task<IReadOnlyList<ActorAppCall>> WaitForAsync(Func<ActorAppCall, bool> match, int count = 1, TimeSpan? timeout = null)
    {
        var until = TimeProvider.System.GetUtcNow() + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var found = Calls.Where(match).ToList();
            if (found.Count >= count || TimeProvider.System.GetUtcNow() >= until) { return found; }
            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
