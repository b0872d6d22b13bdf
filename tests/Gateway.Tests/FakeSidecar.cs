using System.Collections.Concurrent;
using System.Net;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Gateway.Tests;

public sealed record ReceivedRequest(string Method, string RawTarget, IReadOnlyDictionary<string, string> Headers);

/// <summary>A real Kestrel server on a free port standing in for the gateway's sidecar (daprd HTTP API).</summary>
public sealed class FakeSidecar : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeSidecar(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    /// <summary>What the "sidecar" answers; defaults to 200 "ok".</summary>
    public Func<HttpContext, Task> Handler { get; set; } = context => context.Response.WriteAsync("ok");

    public static async Task<FakeSidecar> StartAsync()
    {
        var port = FreeTcpPort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, port);
            o.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var sidecar = new FakeSidecar(app, new Uri($"http://127.0.0.1:{port}"));
        app.Run(context =>
        {
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? string.Empty;
            sidecar.Received.Enqueue(new ReceivedRequest(context.Request.Method, target, headers));
            return sidecar.Handler(context);
        });
        await app.StartAsync();
        return sidecar;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
