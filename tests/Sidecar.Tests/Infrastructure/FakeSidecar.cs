using System.Collections.Concurrent;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Sidecar.Tests.Infrastructure;

public sealed record RecordedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : null;
}

/// <summary>A tiny Kestrel server standing in for daprd: records every request and answers with the test's delegate.</summary>
public sealed class FakeSidecar : IAsyncDisposable
{
    private LoopbackApp _app = null!;

    private FakeSidecar()
    {
    }

    public Uri Endpoint => _app.BaseAddress;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public RecordedRequest Single => Requests.Should().ContainSingle().Subject;

    public static async Task<FakeSidecar> StartAsync(Func<HttpContext, RecordedRequest, Task> respond, int port = 0)
    {
        var sidecar = new FakeSidecar();
        sidecar._app = await LoopbackApp.StartAsync(
            app => app.Run(async context =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync(context.RequestAborted);
                var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
                var recorded = new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? string.Empty, context.Request.QueryString.Value ?? string.Empty, headers, body);
                sidecar.Requests.Enqueue(recorded);
                await respond(context, recorded);
            }),
            port);
        return sidecar;
    }

    public static Task<FakeSidecar> StartAsync(int status, string? json = null, int port = 0) =>
        StartAsync((context, _) => Respond(context, status, json), port);

    public static async Task Respond(HttpContext context, int status, string? json, IReadOnlyDictionary<string, string>? headers = null)
    {
        context.Response.StatusCode = status;
        foreach (var (k, v) in headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[k] = v;
        }

        if (json is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(json);
        }
    }

    public SidecarClient CreateClient(string? apiToken = "sidecar-token") =>
        new(new HttpClient(), new SidecarOptions { HttpEndpoint = Endpoint, ApiToken = apiToken });

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
