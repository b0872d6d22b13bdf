using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Sidecar.Tests.Actors;

public sealed record SidecarCall(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;

    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
}

/// <summary>
/// A small stand-in for daprd's actor API (/v1.0/actors/…) on a loopback port: actor state in memory (200/204 reads,
/// transactions answered 204), reminders and timers recorded, and method calls forwarded to the app's
/// PUT /actors/… callback the way daprd does, stamping a Dapr-Reentrancy-Id when reentrancy is on.
/// </summary>
public sealed class ActorFakeSidecar : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _forward = new();

    private ActorFakeSidecar(WebApplication app)
    {
        _app = app;
        Endpoint = new Uri(app.Urls.First());
    }

    public Uri Endpoint { get; }

    /// <summary>The app behind this sidecar (set once it runs); method calls are forwarded there.</summary>
    public Uri? AppEndpoint { get; set; }

    public string? AppApiToken { get; set; }

    public bool StampReentrancyId { get; set; }

    /// <summary>When set, the next state transaction fails with this status.</summary>
    public int? FailNextTransactionWith { get; set; }

    public ConcurrentQueue<SidecarCall> Calls { get; } = new();

    public ConcurrentDictionary<string, string> State { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<SidecarCall> CallsTo(string method, string pathPrefix) =>
        Calls.Where(c => c.Method == method && c.Path.StartsWith(pathPrefix, StringComparison.Ordinal)).ToList();

    public static async Task<ActorFakeSidecar> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        ActorFakeSidecar? sidecar = null;
        app.Run(context => sidecar!.HandleAsync(context));
        await app.StartAsync();
        sidecar = new ActorFakeSidecar(app);
        return sidecar;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        var path = context.Request.Path.Value ?? string.Empty;
        var call = new SidecarCall(context.Request.Method, path, headers, body);
        Calls.Enqueue(call);

        // /v1.0/actors/{type}/{id}/{kind}/{name?}
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        if (segments.Length < 5 || segments[0] != "v1.0" || segments[1] != "actors")
        {
            context.Response.StatusCode = 404;
            return;
        }

        var (type, id, kind) = (segments[2], segments[3], segments[4]);
        switch (kind)
        {
            case "state" when context.Request.Method == "GET" && segments.Length == 6:
                if (State.TryGetValue(StateKey(type, id, segments[5]), out var stored))
                {
                    context.Response.StatusCode = 200;
                    await context.Response.WriteAsync(stored);
                }
                else
                {
                    context.Response.StatusCode = 204;
                }

                return;
            case "state" when context.Request.Method is "POST" or "PUT":
                if (FailNextTransactionWith is { } failure)
                {
                    FailNextTransactionWith = null;
                    context.Response.StatusCode = failure;
                    await context.Response.WriteAsJsonAsync(new { errorCode = "ERR_ACTOR_STATE_TRANSACTION_SAVE", message = "store down" });
                    return;
                }

                foreach (var operation in JsonDocument.Parse(body).RootElement.EnumerateArray())
                {
                    var request = operation.GetProperty("request");
                    var key = StateKey(type, id, request.GetProperty("key").GetString()!);
                    if (operation.GetProperty("operation").GetString() == "delete")
                    {
                        State.TryRemove(key, out _);
                    }
                    else
                    {
                        State[key] = request.GetProperty("value").GetRawText();
                    }
                }

                context.Response.StatusCode = 204;
                return;
            case "reminders" or "timers":
                context.Response.StatusCode = 204;
                return;
            case "method" when AppEndpoint is not null:
                await ForwardAsync(context, type, id, string.Join('/', segments[5..]), body);
                return;
            default:
                context.Response.StatusCode = 404;
                return;
        }
    }

    private async Task ForwardAsync(HttpContext context, string type, string id, string method, string body)
    {
        // Every callback reaches the app as PUT, whatever verb the caller used.
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(AppEndpoint!, $"actors/{Uri.EscapeDataString(type)}/{Uri.EscapeDataString(id)}/method/{method}"));
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        if (AppApiToken is not null)
        {
            request.Headers.Add("dapr-api-token", AppApiToken);
        }

        var reentrancyId = context.Request.Headers["Dapr-Reentrancy-Id"].ToString();
        if (reentrancyId.Length == 0 && StampReentrancyId)
        {
            reentrancyId = Guid.NewGuid().ToString();
        }

        if (reentrancyId.Length > 0)
        {
            request.Headers.Add("Dapr-Reentrancy-Id", reentrancyId);
        }

        using var response = await _forward.SendAsync(request, context.RequestAborted);
        var responseBody = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
        if ((int)response.StatusCode != 200)
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsJsonAsync(new { errorCode = "ERR_ACTOR_INVOKE_METHOD", message = Encoding.UTF8.GetString(responseBody) });
            return;
        }

        context.Response.StatusCode = 200;
        await context.Response.Body.WriteAsync(responseBody, context.RequestAborted);
    }

    public static string StateKey(string type, string id, string key) => $"{type}||{id}||{key}";

    public async ValueTask DisposeAsync()
    {
        _forward.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
