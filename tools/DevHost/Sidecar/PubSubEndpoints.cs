using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DaprPlatform.DevHost.PubSub;

namespace DaprPlatform.DevHost.Sidecar;

/// <summary>Publish and bulk publish (Dapr docs: reference/api/pubsub_api; codes from daprd's onPublish/onBulkPublish).</summary>
internal static class PubSubEndpoints
{
    public static void Map(WebApplication app, SidecarRuntime sidecar, Platform platform)
    {
        var api = new PublishApi(sidecar, platform);
        app.MapMethods("/v1.0/publish/bulk/{pubsub}/{**topic}", ["POST", "PUT"], (HttpContext ctx, string pubsub, string? topic) => BulkAsync(ctx, api, pubsub, topic ?? ""));
        app.MapMethods("/v1.0-alpha1/publish/bulk/{pubsub}/{**topic}", ["POST", "PUT"], (HttpContext ctx, string pubsub, string? topic) => BulkAsync(ctx, api, pubsub, topic ?? ""));
        app.MapMethods("/v1.0/publish/{pubsub}/{**topic}", ["POST", "PUT"], (HttpContext ctx, string pubsub, string? topic) => PublishAsync(ctx, api, pubsub, topic ?? ""));
    }

    private static Dictionary<string, string> QueryMetadata(HttpContext ctx)
        => ctx.Request.Query.Where(q => q.Key.StartsWith("metadata.", StringComparison.Ordinal))
            .ToDictionary(q => q.Key["metadata.".Length..], q => q.Value.ToString(), StringComparer.Ordinal);

    private static TraceContext Trace(HttpContext ctx) => new(ctx.Request.Headers["traceparent"], ctx.Request.Headers["tracestate"]);

    private static async Task<IResult> PublishAsync(HttpContext ctx, PublishApi api, string pubsub, string topic)
    {
        try
        {
            api.Validate(pubsub, topic, bulk: false);
            using var ms = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted);
            var contentType = string.IsNullOrEmpty(ctx.Request.ContentType) ? "text/plain" : ctx.Request.ContentType;
            await api.PublishAsync(pubsub, topic, ms.ToArray(), contentType, QueryMetadata(ctx), Trace(ctx), ctx.RequestAborted);
            return Results.NoContent();
        }
        catch (DaprApiException ex)
        {
            return DaprError.Result(ex);
        }
    }

    private static async Task<IResult> BulkAsync(HttpContext ctx, PublishApi api, string pubsub, string topic)
    {
        try
        {
            api.Validate(pubsub, topic, bulk: true);
        }
        catch (DaprApiException ex)
        {
            return DaprError.Result(ex);
        }

        JsonElement entries;
        try
        {
            using var doc = await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
            entries = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return DaprError.Result(400, "ERR_PUBSUB_EVENTS_SER", $"error when unmarshaling the request for topic {topic} pubsub {pubsub}: {ex.Message}");
        }

        if (entries.ValueKind != JsonValueKind.Array)
        {
            return DaprError.Result(400, "ERR_PUBSUB_EVENTS_SER", $"error when unmarshaling the request for topic {topic} pubsub {pubsub}: expected an array of entries");
        }

        var parsed = new List<PublishEntry>();
        foreach (var entry in entries.EnumerateArray())
        {
            var entryId = entry.TryGetProperty("entryId", out var idEl) ? idEl.GetString() ?? "" : "";
            var contentType = entry.TryGetProperty("contentType", out var ctEl) && ctEl.GetString() is { Length: > 0 } c ? c : "text/plain";
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            if (entry.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in md.EnumerateObject()) { metadata[p.Name] = p.Value.ToString(); }
            }

            // Over HTTP the event is JSON; a string event of a non-JSON content type is its own bytes.
            var ev = entry.TryGetProperty("event", out var evEl) ? evEl : default;
            var body = ev.ValueKind == JsonValueKind.String && !CloudEvents.IsJson(contentType) && !CloudEvents.IsCloudEvent(contentType)
                ? Encoding.UTF8.GetBytes(ev.GetString()!)
                : Encoding.UTF8.GetBytes(ev.ValueKind == JsonValueKind.Undefined ? "null" : ev.GetRawText());
            parsed.Add(new PublishEntry(entryId, body, contentType, metadata));
        }

        try
        {
            var failed = await api.BulkPublishAsync(pubsub, topic, parsed, QueryMetadata(ctx), Trace(ctx), ctx.RequestAborted);
            return failed.Count == 0
                ? Results.NoContent()
                : Results.Json(new { failedEntries = failed.Select(f => new { entryId = f.EntryId, error = f.Error }), errorCode = "ERR_PUBSUB_PUBLISH_MESSAGE" }, statusCode: 500);
        }
        catch (DaprApiException ex)
        {
            return DaprError.Result(ex);
        }
    }

    /// <summary>Parses an app's GET /dapr/subscribe reply (v1 "route" and v2 "routes" items); items without a route are dropped.</summary>
    public static List<Configuration.SubscriptionDefinition> ParseProgrammatic(string json, string appId)
    {
        var result = new List<Configuration.SubscriptionDefinition>();
        if (JsonNode.Parse(json) is not JsonArray items) { throw new JsonException("GET /dapr/subscribe must return a JSON array"); }
        foreach (var item in items.OfType<JsonObject>())
        {
            var pubsub = item["pubsubname"]?.GetValue<string>();
            var topic = item["topic"]?.GetValue<string>();
            if (string.IsNullOrEmpty(pubsub) || string.IsNullOrEmpty(topic)) { continue; }
            var where = $"app '{appId}' GET /dapr/subscribe ({pubsub}/{topic})";
            var rules = new List<Configuration.RouteRule>();
            string? defaultRoute = null;
            if (item["routes"] is JsonObject routes)
            {
                foreach (var rule in (routes["rules"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    var path = rule["path"]?.GetValue<string>();
                    if (string.IsNullOrEmpty(path)) { continue; }
                    var match = rule["match"]?.GetValue<string>();
                    rules.Add(new Configuration.RouteRule(string.IsNullOrWhiteSpace(match) ? null : Configuration.EventMatch.Parse(match, where), path));
                }

                defaultRoute = routes["default"]?.GetValue<string>();
            }

            defaultRoute ??= item["route"]?.GetValue<string>();
            if (rules.Count == 0 && string.IsNullOrEmpty(defaultRoute)) { continue; }
            var metadata = (item["metadata"] as JsonObject ?? []).ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? "", StringComparer.Ordinal);
            var dlq = item["deadLetterTopic"]?.GetValue<string>();
            var bulk = item["bulkSubscribe"] is JsonObject b
                ? Configuration.BulkSubscription.Create(
                    b["enabled"] is JsonValue e && e.TryGetValue<bool>(out var enabled) && enabled,
                    b["maxMessagesCount"] is JsonValue n && n.TryGetValue<int>(out var count) ? count : null,
                    b["maxAwaitDurationMs"] is JsonValue w && w.TryGetValue<int>(out var wait) ? wait : null,
                    where)
                : null;
            result.Add(new Configuration.SubscriptionDefinition(pubsub, topic, rules, defaultRoute, string.IsNullOrEmpty(dlq) ? null : dlq, metadata, [], Configuration.SubscriptionType.Programmatic, bulk));
        }

        return result;
    }
}
