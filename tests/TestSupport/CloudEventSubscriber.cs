using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.TestSupport;

/// <summary>
/// A subscribing app on a real Kestrel port, speaking the app side of the pub/sub protocol by hand:
/// GET /dapr/subscribe lists one programmatic subscription; every CloudEvent posted to its route is kept as received.
/// </summary>
public sealed class CloudEventSubscriber : IAsyncDisposable
{
    private readonly ConcurrentQueue<JsonElement> _received = new();
    private LoopbackApp? _app;

    private CloudEventSubscriber(string pubsubName, string topic, string route)
    {
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
        var subscriber = new CloudEventSubscriber(pubsubName, topic, route);
        subscriber._app = await LoopbackApp.StartAsync(app => subscriber.Map(app), port, ct: ct);
        return subscriber;
    }

    private void Map(WebApplication app)
    {
        // Programmatic subscription (subscription API, v1 shape: pubsubname, topic, route).
        app.MapGet("/dapr/subscribe", () => Results.Json(new[] { new { pubsubname = PubSubName, topic = Topic, route = Route } }));
        app.MapPost(Route, async (HttpRequest request, CancellationToken token) =>
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: token);
            _received.Enqueue(document.RootElement.Clone());

            // {"status":"SUCCESS"} acknowledges the message: the sidecar must not redeliver it (subscription API).
            return Results.Json(new { status = "SUCCESS" });
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
