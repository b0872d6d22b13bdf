using System.Reflection;
using DaprPlatform.DevHost.Configuration;

namespace DaprPlatform.DevHost.Sidecar;

/// <summary>Health (reference/api/health_api), metadata (reference/api/metadata_api) and shutdown.</summary>
internal static class HealthAndMetadataEndpoints
{
    private static readonly System.Text.Json.JsonSerializerOptions MetadataJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    public static readonly string RuntimeVersion = "devhost-" + (typeof(HealthAndMetadataEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0");

    public static void Map(WebApplication app, SidecarRuntime sidecar, Func<string, Task> shutdownApp, Actors.ActorRuntime? actors = null)
    {
        app.MapGet("/v1.0/healthz", (HttpContext ctx) =>
        {
            if (ctx.Request.Query["appid"] is { Count: > 0 } appid && appid.ToString() != sidecar.AppId)
            {
                return DaprError.Result(500, "ERR_HEALTH_APPID_NOT_MATCH", "dapr app-id does not match");
            }

            return sidecar.AppChannelReady ? Results.NoContent() : DaprError.Result(500, "ERR_HEALTH_NOT_READY", "dapr is not ready");
        });

        app.MapGet("/v1.0/healthz/outbound", () => sidecar.OutboundReady
            ? Results.NoContent()
            : DaprError.Result(500, "ERR_OUTBOUND_HEALTH_NOT_READY", "dapr outbound is not ready"));

        app.MapGet("/v1.0/metadata", () => Results.Json(Describe(sidecar, actors), MetadataJson));

        app.MapPut("/v1.0/metadata/{attribute}", async (HttpContext ctx, string attribute) =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            sidecar.Extended[attribute] = await reader.ReadToEndAsync(ctx.RequestAborted);
            return Results.NoContent();
        });

        app.MapPost("/v1.0/shutdown", (HttpContext ctx) =>
        {
            // Reply first, then stop this app's sidecar and process, as daprd does for a graceful shutdown.
            ctx.Response.OnCompleted(() =>
            {
                _ = Task.Run(() => shutdownApp(sidecar.AppId));
                return Task.CompletedTask;
            });
            return Results.NoContent();
        });
    }

    /// <summary>What GET /v1.0/metadata and the GetMetadata rpc both answer (reference/api/metadata_api).</summary>
    public static SidecarMetadata Describe(SidecarRuntime s, Actors.ActorRuntime? actors)
    {
        // The sidecar's own attributes, then what was set with PUT /v1.0/metadata or SetMetadata (which may override them).
        var extended = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["appCommand"] = string.Join(' ', s.Command),
            ["appPID"] = s.Pid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "0",
            ["daprRuntimeVersion"] = RuntimeVersion,
        };
        foreach (var (k, v) in s.Extended) { extended[k] = v; }

        return new SidecarMetadata(
            s.AppId,
            RuntimeVersion,
            s.Resources.Configuration.EnabledFeatures,
            (actors?.ActiveCounts(s.AppId) ?? []).Select(a => new ActiveActors(a.Type, a.Count)).ToList(),
            s.Resources.Components.Select(c => new RegisteredComponent(c.Name, c.Type, c.Version, Capabilities(c))).ToList(),
            [],
            s.Subscriptions.Select(sub => new SubscriptionMetadata(
                sub.PubsubName,
                sub.Topic,
                sub.Metadata,
                sub.Rules.Select(r => new SubscriptionRuleMetadata(r.Match?.Expression ?? "", r.Path))
                    .Concat(sub.DefaultRoute is null ? [] : [new SubscriptionRuleMetadata("", sub.DefaultRoute)]).ToList(),
                sub.DeadLetterTopic ?? "",
                sub.Type == SubscriptionType.Declarative ? "DECLARATIVE" : "PROGRAMMATIC")).ToList(),
            extended,
            new AppConnectionMetadata(
                s.App.AppPort ?? 0,
                s.App.AppProtocol,
                "127.0.0.1",
                // Only with health checks on, as daprd (pkg/api/universal/metadata.go); the path only for HTTP apps.
                s.App.HealthCheck is { } health
                    ? new AppHealthMetadata(s.App.AppProtocol.StartsWith("http", StringComparison.Ordinal) ? health.Path : "", GoDuration.Format(health.ProbeInterval), GoDuration.Format(health.ProbeTimeout), health.Threshold)
                    : null));
    }

    /// <summary>Only capabilities DevHost really provides are listed (no QUERY_API); ACTOR only on the store marked actorStateStore: "true".</summary>
    private static string[] Capabilities(ComponentDefinition c) => c.Kind switch
    {
        "state" when string.Equals(c.PlainValue("actorStateStore"), "true", StringComparison.OrdinalIgnoreCase) => ["ETAG", "TRANSACTIONAL", "TTL", "ACTOR"],
        "state" => ["ETAG", "TRANSACTIONAL", "TTL"],
        _ => [],
    };
}

internal sealed record SidecarMetadata(
    string Id,
    string RuntimeVersion,
    IReadOnlyList<string> EnabledFeatures,
    IReadOnlyList<ActiveActors> Actors,
    IReadOnlyList<RegisteredComponent> Components,
    IReadOnlyList<object> HttpEndpoints,
    IReadOnlyList<SubscriptionMetadata> Subscriptions,
    IReadOnlyDictionary<string, string> Extended,
    AppConnectionMetadata AppConnectionProperties);

internal sealed record ActiveActors(string Type, int Count);

internal sealed record RegisteredComponent(string Name, string Type, string Version, IReadOnlyList<string> Capabilities);

internal sealed record SubscriptionMetadata(
    [property: System.Text.Json.Serialization.JsonPropertyName("pubsubname")] string PubsubName,
    string Topic,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<SubscriptionRuleMetadata> Rules,
    string DeadLetterTopic,
    string Type);

internal sealed record SubscriptionRuleMetadata(string Match, string Path);

internal sealed record AppConnectionMetadata(
    int Port,
    string Protocol,
    string ChannelAddress,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] AppHealthMetadata? Health);

internal sealed record AppHealthMetadata(string HealthCheckPath, string HealthProbeInterval, string HealthProbeTimeout, int HealthThreshold);
