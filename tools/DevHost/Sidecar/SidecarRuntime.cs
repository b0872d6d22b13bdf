using System.Collections.Concurrent;
using DaprPlatform.DevHost.Configuration;
using DaprPlatform.DevHost.Secrets;
using DaprPlatform.DevHost.State;

namespace DaprPlatform.DevHost.Sidecar;

/// <summary>Everything one app's sidecar knows: its app, its components and its subscriptions.</summary>
internal sealed class SidecarRuntime(AppDefinition app, ResourceSet resources, IReadOnlyDictionary<string, string> environment)
{
    private volatile IReadOnlyList<SubscriptionDefinition> _programmatic = [];

    public AppDefinition App { get; } = app;

    public string AppId => App.AppId;

    public ResourceSet Resources { get; } = resources;

    /// <summary>The environment the app gets (DevHost's own plus generated Dapr variables plus the run file's env).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; } = environment;

    public string? ApiToken => App.Env.GetValueOrDefault("DAPR_API_TOKEN") is { Length: > 0 } t ? t : null;

    public string? AppApiToken => App.Env.GetValueOrDefault("APP_API_TOKEN") is { Length: > 0 } t ? t : null;

    public string Namespace => App.Env.GetValueOrDefault("NAMESPACE") is { Length: > 0 } ns ? ns : "default";

    public Dictionary<string, PostgresStateStore> StateStores { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ISecretStore> SecretStores { get; } = new(StringComparer.Ordinal);

    public IEnumerable<ComponentDefinition> PubSubs => Resources.Components.Where(c => c.Kind == "pubsub");

    public ConcurrentDictionary<string, string> Extended { get; } = new(StringComparer.Ordinal);

    public volatile bool OutboundReady;

    public volatile bool AppChannelReady;

    /// <summary>The sidecar was shut down (POST /v1.0/shutdown or DevHost stopping): it delivers nothing more to its app.</summary>
    public volatile bool ShutDown;

    /// <summary>The app's health checks, when the run file enables them (set once the app first listens).</summary>
    public AppHealth? Health { get; set; }

    /// <summary>
    /// False while health checks find the app unhealthy: daprd then stops its subscriptions and its app channel refuses
    /// calls ("app is not in a healthy state"). Always true without health checks.
    /// </summary>
    public bool AppHealthy => Health is not { } health || health.IsHealthy;

    public int? Pid { get; set; }

    public AppState State { get; set; } = AppState.Starting;

    public IReadOnlyList<string> Command { get; set; } = [];

    public IReadOnlyList<SubscriptionDefinition> ProgrammaticSubscriptions
    {
        get => _programmatic;
        set => _programmatic = value;
    }

    /// <summary>Declarative and programmatic subscriptions; for the same pubsub and topic the programmatic one wins.</summary>
    public IReadOnlyList<SubscriptionDefinition> Subscriptions
    {
        get
        {
            var programmatic = _programmatic;
            return Resources.Subscriptions
                .Where(d => !programmatic.Any(p => p.PubsubName == d.PubsubName && p.Topic == d.Topic))
                .Concat(programmatic)
                .ToList();
        }
    }

    /// <summary>
    /// A call from this sidecar to its own app (deliveries, actor callbacks, GET /dapr/subscribe and /dapr/config): the app's
    /// port and, when APP_API_TOKEN is set, the dapr-api-token header daprd sends with every such call.
    /// </summary>
    public HttpRequestMessage AppRequest(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri($"http://127.0.0.1:{App.AppPort}/{path.TrimStart('/')}"));
        if (AppApiToken is { } token) { request.Headers.TryAddWithoutValidation("dapr-api-token", token); }
        request.Headers.Accept.Add(new System.Net.Http.Headers.MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    public string KeyPrefix(string storeName)
    {
        var component = Resources.Components.First(c => c.Name == storeName);

        // keyPrefix metadata as in Dapr: appid (default), name, none, or any other literal prefix.
        return (component.PlainValue("keyPrefix") ?? "appid").ToLowerInvariant() switch
        {
            "appid" => AppId + "||",
            "name" => storeName + "||",
            "none" => "",
            _ => component.PlainValue("keyPrefix") + "||",
        };
    }
}
