using System.Globalization;
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
        app.MapMethods("/v1.0/publish/bulk/{pubsub}/{**topic}", ["POST", "PUT"], (HttpContext ctx, string pubsub, string? topic) => BulkAsync(ctx, sidecar, platform, pubsub, topic));
        app.MapMethods("/v1.0-alpha1/publish/bulk/{pubsub}/{**topic}", ["POST", "PUT"], (HttpContext ctx, string pubsub, string? topic) => BulkAsync(ctx, sidecar, platform, pubsub, topic));
        app.MapMethods("/v1.0/publish/{pubsub}/{**topic}", ["POST", "PUT"], (HttpContext ctx, string pubsub, string? topic) => PublishAsync(ctx, sidecar, platform, pubsub, topic));
    }

    private static IResult? Check(SidecarRuntime sidecar, string pubsub, string? topic, int notFoundStatus)
    {
        if (!sidecar.PubSubs.Any())
        {
            return DaprError.Result(400, "ERR_PUBSUB_NOT_CONFIGURED", $"no pubsub is configured");
        }

        if (!sidecar.PubSubs.Any(p => p.Name == pubsub))
        {
            return DaprError.Result(notFoundStatus, "ERR_PUBSUB_NOT_FOUND", $"pubsub {pubsub} not found");
        }

        return string.IsNullOrEmpty(topic) ? DaprError.Result(404, "ERR_TOPIC_NAME_EMPTY", $"topic is empty in pubsub {pubsub}") : null;
    }

    private static Dictionary<string, string> QueryMetadata(HttpContext ctx)
        => ctx.Request.Query.Where(q => q.Key.StartsWith("metadata.", StringComparison.Ordinal))
            .ToDictionary(q => q.Key["metadata.".Length..], q => q.Value.ToString(), StringComparer.Ordinal);

    private static DateTimeOffset? Expiry(IReadOnlyDictionary<string, string> metadata, DateTimeOffset now)
    {
        if (!metadata.TryGetValue("ttlInSeconds", out var raw)) { return null; }
        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            throw new FormatException($"ttlInSeconds '{raw}' is not a non-negative integer");
        }

        return now.AddSeconds(seconds);
    }

    /// <summary>Turns one publish into the bytes the broker stores; also used for each bulk entry.</summary>
    private static (byte[] Payload, bool Raw, DateTimeOffset? Expires) Prepare(
        SidecarRuntime sidecar, Platform platform, string pubsub, string topic, byte[] body, string contentType, IReadOnlyDictionary<string, string> metadata, string? traceparent, string? tracestate)
    {
        var now = platform.Time.GetUtcNow();
        var expires = Expiry(metadata, now);
        if (metadata.TryGetValue("rawPayload", out var raw) && string.Equals(raw, "true", StringComparison.OrdinalIgnoreCase))
        {
            return (body, true, expires);
        }

        var ce = CloudEvents.Build(body, contentType, sidecar.AppId, pubsub, topic, traceparent, tracestate, metadata, now);
        if (expires is { } e) { ce["expiration"] = CloudEvents.Rfc3339(e); }
        return (Encoding.UTF8.GetBytes(ce.ToJsonString()), false, expires);
    }

    private static async Task<IResult> PublishAsync(HttpContext ctx, SidecarRuntime sidecar, Platform platform, string pubsub, string? topic)
    {
        if (Check(sidecar, pubsub, topic, 404) is { } error) { return error; }
        using var ms = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted);
        var contentType = string.IsNullOrEmpty(ctx.Request.ContentType) ? "text/plain" : ctx.Request.ContentType;
        (byte[] Payload, bool Raw, DateTimeOffset? Expires) prepared;
        try
        {
            prepared = Prepare(sidecar, platform, pubsub, topic!, ms.ToArray(), contentType, QueryMetadata(ctx), ctx.Request.Headers["traceparent"], ctx.Request.Headers["tracestate"]);
        }
        catch (JsonException ex)
        {
            return DaprError.Result(400, "ERR_PUBSUB_CLOUD_EVENTS_SER", $"error when unmarshalling the CloudEvent body: {ex.Message}");
        }
        catch (FormatException ex)
        {
            return DaprError.Result(400, "ERR_PUBSUB_REQUEST_METADATA", $"failed deserializing metadata: {ex.Message}");
        }

        try
        {
            await platform.Broker!.PublishAsync(pubsub, topic!, prepared.Payload, prepared.Raw, prepared.Expires, ctx.RequestAborted);
            return Results.NoContent();
        }
        catch (Npgsql.NpgsqlException ex)
        {
            return DaprError.Result(500, "ERR_PUBSUB_PUBLISH_MESSAGE", $"error when publish to topic {topic} in pubsub {pubsub}: {ex.Message}");
        }
    }

    private static async Task<IResult> BulkAsync(HttpContext ctx, SidecarRuntime sidecar, Platform platform, string pubsub, string? topic)
    {
        // Bulk publish answers 400 (not 404) for an unknown pubsub.
        if (Check(sidecar, pubsub, topic, 400) is { } error) { return error; }
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

        var requestMetadata = QueryMetadata(ctx);
        var failed = new List<object>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries.EnumerateArray())
        {
            var entryId = entry.TryGetProperty("entryId", out var idEl) ? idEl.GetString() ?? "" : "";
            if (entryId.Length == 0 || !ids.Add(entryId))
            {
                return DaprError.Result(400, "ERR_PUBSUB_EVENTS_SER", $"error: entryId is missing or duplicated ('{entryId}') for topic {topic} pubsub {pubsub}");
            }

            var contentType = entry.TryGetProperty("contentType", out var ctEl) && ctEl.GetString() is { Length: > 0 } c ? c : "text/plain";
            var metadata = new Dictionary<string, string>(requestMetadata, StringComparer.Ordinal);
            if (entry.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in md.EnumerateObject()) { metadata[p.Name] = p.Value.ToString(); }
            }

            var ev = entry.TryGetProperty("event", out var evEl) ? evEl : default;
            var body = ev.ValueKind == JsonValueKind.String && !CloudEvents.IsJson(contentType) && !CloudEvents.IsCloudEvent(contentType)
                ? Encoding.UTF8.GetBytes(ev.GetString()!)
                : Encoding.UTF8.GetBytes(ev.ValueKind == JsonValueKind.Undefined ? "null" : ev.GetRawText());
            try
            {
                var prepared = Prepare(sidecar, platform, pubsub, topic!, body, contentType, metadata, ctx.Request.Headers["traceparent"], ctx.Request.Headers["tracestate"]);
                await platform.Broker!.PublishAsync(pubsub, topic!, prepared.Payload, prepared.Raw, prepared.Expires, ctx.RequestAborted);
            }
            catch (Exception ex) when (ex is JsonException or FormatException or Npgsql.NpgsqlException)
            {
                failed.Add(new { entryId, error = ex.Message });
            }
        }

        return failed.Count == 0
            ? Results.NoContent()
            : Results.Json(new { failedEntries = failed, errorCode = "ERR_PUBSUB_PUBLISH_MESSAGE" }, statusCode: 500);
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
