using System.Collections.Concurrent;
using System.Text.Json;
using Dapr;
using Dapr.AspNetCore;
using Microsoft.AspNetCore.Mvc;

namespace DaprPlatform.Conformance.SdkApp;

/// <summary>
/// Programmatic subscriptions, declared the ways Dapr.AspNetCore offers (<c>WithTopic</c> on minimal APIs, <c>[Topic]</c> and
/// <c>[BulkSubscribe]</c> on a controller) and served through <c>MapSubscribeHandler</c> + <c>UseCloudEvents</c>. Every handler
/// records what it received under a channel named after its topic.
/// </summary>
public static class Subscriptions
{
    public const string PubSub = "pubsub";

    private static readonly ConcurrentDictionary<string, int> RetryOnceSeen = new(StringComparer.Ordinal);

    public static void Map(WebApplication app)
    {
        Record(app, "/sub/orders", "orders").WithTopic(PubSub, "orders");
        Record(app, "/sub/raw", "raw-orders").WithTopic(PubSub, "raw-orders", enableRawPayload: true);

        // Routing rules: evaluated in priority order; an event no rule matches goes to the default route.
        Record(app, "/sub/routed/created", "routed-created").WithTopic(new TopicOptions
        {
            PubsubName = PubSub, Name = "routed", Match = "event.type == \"widget.created\"", Priority = 1,
        });
        Record(app, "/sub/routed/deleted", "routed-deleted").WithTopic(new TopicOptions
        {
            PubsubName = PubSub, Name = "routed", Match = "event.type == \"widget.deleted\"", Priority = 2,
        });
        Record(app, "/sub/routed/default", "routed-default").WithTopic(PubSub, "routed");

        // A handler that always fails: after the retries the message goes to the dead-letter topic.
        app.MapPost("/sub/failing", async (HttpRequest request, Recorder recorder) =>
        {
            await recorder.RecordRequestAsync("failing", request);
            return Results.StatusCode(StatusCodes.Status500InternalServerError);
        }).WithTopic(new TopicOptions { PubsubName = PubSub, Name = "failing", DeadLetterTopic = "failing-dead" });
        Record(app, "/sub/failing-dead", "failing-dead").WithTopic(PubSub, "failing-dead");

        // {"status":"DROP"}: not retried; sent to the dead-letter topic when the subscription has one.
        app.MapPost("/sub/dropped", async (HttpRequest request, Recorder recorder) =>
        {
            await recorder.RecordRequestAsync("dropped", request);
            return Results.Json(new { status = "DROP" });
        }).WithTopic(new TopicOptions { PubsubName = PubSub, Name = "dropped", DeadLetterTopic = "dropped-dead" });
        Record(app, "/sub/dropped-dead", "dropped-dead").WithTopic(PubSub, "dropped-dead");

        // {"status":"RETRY"} on the first delivery of each event, SUCCESS afterwards.
        RetryOnce(app, "/sub/retry-once", "retry-once", "RETRY");

        // A status daprd does not know ("MAYBE") counts as a failure to retry.
        RetryOnce(app, "/sub/unknown-status", "unknown-status", "MAYBE");

        // 404 from the app: not retried, dropped, so it goes to the dead-letter topic.
        app.MapPost("/sub/not-found", async (HttpRequest request, Recorder recorder) =>
        {
            await recorder.RecordRequestAsync("not-found", request);
            return Results.NotFound();
        }).WithTopic(new TopicOptions { PubsubName = PubSub, Name = "not-found", DeadLetterTopic = "not-found-dead" });
        Record(app, "/sub/not-found-dead", "not-found-dead").WithTopic(PubSub, "not-found-dead");
    }

    private static void RetryOnce(WebApplication app, string path, string topic, string firstStatus) =>
        app.MapPost(path, async (HttpRequest request, Recorder recorder) =>
        {
            var id = request.Headers["Cloudevent.id"].ToString();
            await recorder.RecordRequestAsync(topic, request);
            var attempt = RetryOnceSeen.AddOrUpdate($"{topic}:{id}", 1, (_, n) => n + 1);
            return Results.Json(new { status = attempt == 1 ? firstStatus : "SUCCESS" });
        }).WithTopic(PubSub, topic);

    private static RouteHandlerBuilder Record(WebApplication app, string path, string channel) =>
        app.MapPost(path, (HttpRequest request, Recorder recorder) => recorder.RecordRequestAsync(channel, request));
}

/// <summary>The attribute forms: <c>[Topic]</c> on an MVC action, and <c>[BulkSubscribe]</c>.</summary>
[ApiController]
public sealed class TopicController(Recorder recorder) : ControllerBase
{
    private static readonly ConcurrentDictionary<string, int> BulkSeen = new(StringComparer.Ordinal);

    [HttpPost("/sub/attribute")]
    [Topic(Subscriptions.PubSub, "attribute-topic")]
    public async Task<IActionResult> AttributeTopic()
    {
        await recorder.RecordRequestAsync("attribute-topic", Request);
        return Ok();
    }

    /// <summary>
    /// Entries carry {"n": …}: n % 3 == 0 → SUCCESS, 1 → RETRY the first time then SUCCESS, 2 → DROP.
    /// Each receipt is recorded as "n:status".
    /// </summary>
    [HttpPost("/sub/bulk")]
    [Topic(Subscriptions.PubSub, "bulk")]
    [BulkSubscribe("bulk", 10, 500)]
    public ActionResult<BulkSubscribeAppResponse> Bulk([FromBody] BulkSubscribeMessage<JsonElement> message)
    {
        var statuses = new List<BulkSubscribeAppResponseEntry>();
        foreach (var entry in message.Entries)
        {
            var n = entry.Event.TryGetProperty("data", out var data) && data.TryGetProperty("n", out var value) ? value.GetInt32() : -1;
            var status = (n % 3) switch
            {
                0 => BulkSubscribeAppResponseStatus.SUCCESS,
                1 => BulkSeen.AddOrUpdate($"{message.Topic}:{n}", 1, (_, c) => c + 1) == 1 ? BulkSubscribeAppResponseStatus.RETRY : BulkSubscribeAppResponseStatus.SUCCESS,
                _ => BulkSubscribeAppResponseStatus.DROP,
            };
            recorder.Add("bulk", $"{n}:{status}", entry.ContentType);
            statuses.Add(new BulkSubscribeAppResponseEntry(entry.EntryId, status));
        }

        return new BulkSubscribeAppResponse(statuses);
    }
}
