using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Identity.Tests.Outbox;

/// <summary>
/// A subscribing app on a real Kestrel port, speaking the app side of the pub/sub protocol by hand:
/// GET /dapr/subscribe lists one programmatic subscription; every CloudEvent posted to its route is kept as received.
/// </summary>
public sealed class CloudEventSubscriber : IAsyncDisposable
{
    private readonly ConcurrentQueue<JsonElement> _received = new();
    private readonly WebApplication _app;

    private CloudEventSubscriber(WebApplication app, string pubsubName, string topic, string route)
    {
        _app = app;
        PubSubName = pubsubName;
        Topic = topic;
        Route = route;
    }

    public string PubSubName { get; }

    public string Topic { get; }

    public string Route { get; }

    /// <summary>The CloudEvents delivered so far, in arrival order.</summary>
    public IReadOnlyList<JsonElement> Received => [.. _received];

    public static async Task<CloudEventSubscriber> StartAsync(int port, string pubsubName, string topic, string route, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var subscriber = new CloudEventSubscriber(app, pubsubName, topic, route);

        // Programmatic subscription (subscription API, v1 shape: pubsubname, topic, route).
        app.MapGet("/dapr/subscribe", () => Results.Json(new[] { new { pubsubname = pubsubName, topic, route } }));
        app.MapPost(route, async (HttpRequest request, CancellationToken token) =>
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: token);
            subscriber._received.Enqueue(document.RootElement.Clone());

            // {"status":"SUCCESS"} acknowledges the message: the sidecar must not redeliver it (subscription API).
            return Results.Json(new { status = "SUCCESS" });
        });

        await app.StartAsync(ct);
        return subscriber;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
