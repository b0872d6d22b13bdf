using System.Text;
using System.Text.Json;
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

    /// <summary>
    /// Reads an app's GET /dapr/subscribe reply as daprd does (<see cref="AppReplies"/>: field names in any case; an empty
    /// body or null declares nothing): v1 "route" and v2 "routes" items; items without any route are dropped, as daprd's
    /// filterSubscriptions does.
    /// </summary>
    public static List<Configuration.SubscriptionDefinition> ParseProgrammatic(ReadOnlySpan<byte> json, string appId)
    {
        var result = new List<Configuration.SubscriptionDefinition>();
        if (!AppReplies.TryDecode<List<SubscriptionReply?>>(json, out var items) || items is null) { return result; }
        foreach (var item in items.OfType<SubscriptionReply>())
        {
            if (item is not { PubsubName: { Length: > 0 } pubsub, Topic: { Length: > 0 } topic }) { continue; }
            var where = $"app '{appId}' GET /dapr/subscribe ({pubsub}/{topic})";
            var rules = new List<Configuration.RouteRule>();
            foreach (var rule in item.Routes?.Rules?.OfType<RuleReply>() ?? [])
            {
                if (string.IsNullOrEmpty(rule.Path)) { continue; }
                rules.Add(new Configuration.RouteRule(string.IsNullOrWhiteSpace(rule.Match) ? null : Configuration.EventMatch.Parse(rule.Match, where), rule.Path));
            }

            // routes.default wins over the v1 route, as in daprd.
            var defaultRoute = item.Routes?.Default is { Length: > 0 } d ? d : item.Route;
            if (rules.Count == 0 && string.IsNullOrEmpty(defaultRoute)) { continue; }
            var metadata = (item.Metadata ?? []).ToDictionary(kv => kv.Key, kv => kv.Value ?? "", StringComparer.Ordinal);
            var bulk = item.BulkSubscribe is { } b
                ? Configuration.BulkSubscription.Create(b.Enabled == true, b.MaxMessagesCount, b.MaxAwaitDurationMs, where)
                : null;
            result.Add(new Configuration.SubscriptionDefinition(
                pubsub, topic, rules, string.IsNullOrEmpty(defaultRoute) ? null : defaultRoute, string.IsNullOrEmpty(item.DeadLetterTopic) ? null : item.DeadLetterTopic,
                metadata, [], Configuration.SubscriptionType.Programmatic, bulk));
        }

        return result;
    }
}
