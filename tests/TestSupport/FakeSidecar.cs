using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace DaprPlatform.TestSupport;

/// <summary>One request an app sent its sidecar; <see cref="Body"/> is empty unless the fake records bodies.</summary>
public sealed record SidecarRequest(string Method, string RawTarget, string Path, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>How the fake answers a request; <see cref="Drop"/> closes the connection without an answer (sidecar gone).</summary>
public sealed record SidecarReply(int Status, string Body = "")
{
    public static SidecarReply Drop { get; } = new(-1);

    public async Task WriteToAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (this == Drop)
        {
            context.Abort();
            return;
        }

        context.Response.StatusCode = Status;
        if (Body.Length > 0)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(Body, context.RequestAborted);
        }
    }
}

/// <summary>
/// A hand-written stand-in for an app's own sidecar (daprd's HTTP API) on a real loopback port, for what the real DevHost
/// cannot be made to do — answer 502/504, stall, reset the connection — and to see exactly what the app sent its sidecar.
/// Records every request; the latest <see cref="Respond"/>er that has a reply answers, otherwise <see cref="Handler"/>.
/// </summary>
public sealed class FakeSidecar : IAsyncDisposable
{
    private readonly ConcurrentStack<Func<SidecarRequest, SidecarReply?>> _responders = new();
    private readonly bool _recordBodies;
    private LoopbackApp? _app;

    private FakeSidecar(bool recordBodies) => _recordBodies = recordBodies;

    /// <summary>Answers 200 "ok".</summary>
    public static Func<HttpContext, Task> AnswerOk { get; } = context => context.Response.WriteAsync("ok");

    public Uri Endpoint => _app?.BaseAddress ?? throw new InvalidOperationException("Not started.");

    public ConcurrentQueue<SidecarRequest> Received { get; } = new();

    /// <summary>What the fake answers when no responder does; defaults to <see cref="AnswerOk"/>.</summary>
    public Func<HttpContext, Task> Handler { get; set; } = AnswerOk;

    /// <param name="recordBodies">Reads each request body into <see cref="SidecarRequest.Body"/> before answering; off, a
    /// handler can stream the body itself (the gateway's streaming tests).</param>
    public static async Task<FakeSidecar> StartAsync(bool recordBodies = false)
    {
        var sidecar = new FakeSidecar(recordBodies);
        sidecar._app = await LoopbackApp.StartAsync(
            app => app.Run(sidecar.HandleAsync),
            configure: builder => builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = null));
        return sidecar;
    }

    /// <summary>The latest registered responder that returns a reply wins; null lets the next one (or <see cref="Handler"/>) answer.</summary>
    public void Respond(Func<SidecarRequest, SidecarReply?> responder) => _responders.Push(responder);

    /// <summary>Service invocations of one method of <paramref name="appId"/> (the path after <c>/method/</c>).</summary>
    public IReadOnlyList<SidecarRequest> InvocationsOf(string appId, string method, string path) =>
        Received.Where(r => r.Method == method && r.Path == $"/v1.0/invoke/{appId}/method/{path}").ToList();

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = "";
        if (_recordBodies)
        {
            using var reader = new StreamReader(context.Request.Body);
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var request = new SidecarRequest(
            context.Request.Method,
            context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? string.Empty,
            context.Request.Path.Value ?? "/",
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body);
        Received.Enqueue(request);

        if (_responders.Select(r => r(request)).FirstOrDefault(r => r is not null) is { } reply)
        {
            await reply.WriteToAsync(context);
            return;
        }

        await Handler(context);
    }
}
