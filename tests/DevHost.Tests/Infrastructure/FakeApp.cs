using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.DevHost.Tests.Infrastructure;

public sealed record RecordedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset At)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}

/// <summary>A small Kestrel app standing in for a service: records every request and answers with a per-test handler.</summary>
public sealed class FakeApp : IAsyncDisposable
{
    private LoopbackApp _app = null!;

    private FakeApp()
    {
    }

    public int Port => _app.Port;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Per-path answers; a path without one gets 200 with an empty body.</summary>
    public ConcurrentDictionary<string, Func<RecordedRequest, (int Status, string? Body, string? ContentType)>> Handlers { get; } = new();

    public static async Task<FakeApp> StartAsync(int port)
    {
        var fake = new FakeApp();
        fake._app = await LoopbackApp.StartAsync(app => app.Run(fake.RecordAndAnswerAsync), port);
        return fake;
    }

    private async Task RecordAndAnswerAsync(HttpContext ctx)
    {
        using var ms = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms);
        var req = new RecordedRequest(
            ctx.Request.Method,
            ctx.Request.Path.Value ?? "",
            ctx.Request.QueryString.Value ?? "",
            ctx.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            ms.ToArray(),
            TimeProvider.System.GetUtcNow());
        Requests.Enqueue(req);
        var (status, body, contentType) = Handlers.TryGetValue(req.Path, out var h) ? h(req) : (200, null, null);
        ctx.Response.StatusCode = status;
        if (contentType is not null) { ctx.Response.ContentType = contentType; }
        if (body is not null) { await ctx.Response.WriteAsync(body); }
    }

    public IReadOnlyList<RecordedRequest> To(string path) => Requests.Where(r => r.Path == path).ToList();

    /// <summary>Waits until <paramref name="count"/> requests to <paramref name="path"/> match <paramref name="filter"/>.</summary>
    public async Task<IReadOnlyList<RecordedRequest>> WaitForAsync(string path, int count, Func<RecordedRequest, bool>? filter = null, TimeSpan? timeout = null)
    {
        var until = TimeProvider.System.GetUtcNow() + (timeout ?? TimeSpan.FromSeconds(15));
        while (TimeProvider.System.GetUtcNow() < until)
        {
            var found = To(path).Where(filter ?? (_ => true)).ToList();
            if (found.Count >= count) { return found; }
            await Task.Delay(50);
        }

        return To(path).Where(filter ?? (_ => true)).ToList();
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
