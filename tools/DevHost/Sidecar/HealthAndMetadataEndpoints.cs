using System.Reflection;
using DaprPlatform.DevHost.Configuration;

namespace DaprPlatform.DevHost.Sidecar;

/// <summary>Health (reference/api/health_api), metadata (reference/api/metadata_api) and shutdown.</summary>
internal static class HealthAndMetadataEndpoints
{
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

        app.MapGet("/v1.0/metadata", () => Results.Json(Describe(sidecar, actors)));

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

    private static object Describe(SidecarRuntime s, Actors.ActorRuntime? actors)
    {
        var extended = new Dictionary<string, string>(s.Extended, StringComparer.Ordinal)
        {
            ["appCommand"] = string.Join(' ', s.Command),
            ["appPID"] = s.Pid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "0",
            ["daprRuntimeVersion"] = RuntimeVersion,
        };
        foreach (var (k, v) in s.Extended) { extended[k] = v; }

        return new
        {
            id = s.AppId,
            runtimeVersion = RuntimeVersion,
            enabledFeatures = s.Resources.Configuration.EnabledFeatures,
            actors = (actors?.ActiveCounts(s.AppId) ?? []).Select(a => new { type = a.Type, count = a.Count }),
            components = s.Resources.Components.Select(c => new { name = c.Name, type = c.Type, version = c.Version, capabilities = Capabilities(c) }),
            httpEndpoints = Array.Empty<object>(),
            subscriptions = s.Subscriptions.Select(sub => new
            {
                pubsubname = sub.PubsubName,
                topic = sub.Topic,
                metadata = sub.Metadata,
                rules = sub.Rules.Select(r => new { match = r.Match?.Expression ?? "", path = r.Path })
                    .Concat(sub.DefaultRoute is null ? [] : [new { match = "", path = sub.DefaultRoute }]),
                deadLetterTopic = sub.DeadLetterTopic ?? "",
                type = sub.Type == SubscriptionType.Declarative ? "DECLARATIVE" : "PROGRAMMATIC",
            }),
            extended,
            appConnectionProperties = new
            {
                port = s.App.AppPort ?? 0,
                protocol = s.App.AppProtocol,
                channelAddress = "127.0.0.1",
                health = new { healthCheckPath = s.App.AppHealthCheckPath, healthProbeInterval = "5s", healthProbeTimeout = "500ms", healthThreshold = 3 },
            },
        };
    }

    /// <summary>Only capabilities DevHost really provides are listed (no QUERY_API); ACTOR only on the store marked actorStateStore: "true".</summary>
    private static string[] Capabilities(ComponentDefinition c) => c.Kind switch
    {
        "state" when string.Equals(c.PlainValue("actorStateStore"), "true", StringComparison.OrdinalIgnoreCase) => ["ETAG", "TRANSACTIONAL", "TTL", "ACTOR"],
        "state" => ["ETAG", "TRANSACTIONAL", "TTL"],
        _ => [],
    };
}
