using System.Collections.Concurrent;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Booking.Tests;

/// <summary>One request the booking app sent to its sidecar.</summary>
public sealed record RecordedSidecarCall(string Method, string Path, string Body, IReadOnlyDictionary<string, string> Headers);

/// <summary>How the stand-in answers a call; <see cref="Drop"/> closes the connection without an answer (sidecar gone).</summary>
public sealed record SidecarReply(int Status, string Body = "")
{
    public static SidecarReply Drop { get; } = new(-1);
}

/// <summary>
/// Stands in for the booking app's own sidecar (daprd's HTTP API on loopback). It records every call; tests register
/// responders for the calls they care about (each filters on its own ids, so tests sharing the fixture do not interfere).
/// Without a responder: invocations of workflows answer 202 {}, publishes 204, anything else 500.
/// </summary>
public sealed class FakeBookingSidecar : IAsyncDisposable
{
    private readonly LoopbackApp _app;
    private readonly ConcurrentStack<Func<RecordedSidecarCall, SidecarReply?>> _responders = new();

    private FakeBookingSidecar(LoopbackApp app)
    {
        _app = app;
    }

    public Uri BaseAddress => _app.BaseAddress;

    public ConcurrentQueue<RecordedSidecarCall> Calls { get; } = new();

    public static async Task<FakeBookingSidecar> StartAsync()
    {
        FakeBookingSidecar? fake = null;
        var app = await LoopbackApp.StartAsync(web => web.Run(context => fake!.HandleAsync(context)));
        fake = new FakeBookingSidecar(app);
        return fake;
    }

    /// <summary>The latest registered responder that returns a reply wins.</summary>
    public void Respond(Func<RecordedSidecarCall, SidecarReply?> responder) => _responders.Push(responder);

    public IReadOnlyList<RecordedSidecarCall> InvocationsOf(string method, string path) =>
        Calls.Where(c => c.Method == method && c.Path == "/v1.0/invoke/workflows/method/" + path).ToList();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var call = new RecordedSidecarCall(context.Request.Method, context.Request.Path.Value ?? "/", body,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase));
        Calls.Enqueue(call);

        var reply = _responders.Select(r => r(call)).FirstOrDefault(r => r is not null) ?? DefaultReply(call);
        if (reply == SidecarReply.Drop)
        {
            context.Abort();
            return;
        }

        context.Response.StatusCode = reply.Status;
        if (reply.Body.Length > 0)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(reply.Body, context.RequestAborted);
        }
    }

    private static SidecarReply DefaultReply(RecordedSidecarCall call) => call.Path switch
    {
        _ when call.Path.StartsWith("/v1.0/invoke/workflows/method/", StringComparison.Ordinal) && call.Method == "POST" => new SidecarReply(202, "{}"),
        _ when call.Path.StartsWith("/v1.0/publish/", StringComparison.Ordinal) => new SidecarReply(204),
        _ when call.Path.StartsWith("/v1.0/healthz", StringComparison.Ordinal) => new SidecarReply(204),
        _ => new SidecarReply(500, """{"errorCode":"ERR_UNEXPECTED","message":"the test did not expect this call"}"""),
    };
}
