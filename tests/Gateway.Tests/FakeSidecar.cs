using System.Collections.Concurrent;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace DaprPlatform.Gateway.Tests;

public sealed record ReceivedRequest(string Method, string RawTarget, IReadOnlyDictionary<string, string> Headers);

/// <summary>A real Kestrel server on a free port standing in for the gateway's sidecar (daprd HTTP API).</summary>
public sealed class FakeSidecar : IAsyncDisposable
{
    private LoopbackApp _app = null!;

    private FakeSidecar()
    {
    }

    public Uri Endpoint => _app.BaseAddress;

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    /// <summary>What the "sidecar" answers; defaults to 200 "ok".</summary>
    public Func<HttpContext, Task> Handler { get; set; } = context => context.Response.WriteAsync("ok");

    public static async Task<FakeSidecar> StartAsync()
    {
        var sidecar = new FakeSidecar();
        sidecar._app = await LoopbackApp.StartAsync(
            app => app.Run(context =>
            {
                var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
                var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? string.Empty;
                sidecar.Received.Enqueue(new ReceivedRequest(context.Request.Method, target, headers));
                return sidecar.Handler(context);
            }),
            configure: builder => builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = null));
        return sidecar;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
