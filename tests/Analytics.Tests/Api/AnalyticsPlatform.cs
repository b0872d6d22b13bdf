using System.Text.Json;
using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Analytics.Tests.Api;

/// <summary>
/// The analytics service on a real port with the real DevHost as its sidecar (StartApps = false): actor calls from the
/// endpoints and subscription handlers go out through DevHost's actor API and come back to this app's actor callbacks.
/// Events are delivered the way daprd delivers them (POST of a CloudEvent to the subscription route).
/// </summary>
public sealed class AnalyticsPlatform : IAsyncLifetime
{
    public const string AppId = "analytics";

    private AnalyticsDevHost? _devHost;

    public PostgresDatabase Database { get; } = new("analytics_api");

    public AnalyticsFactory Factory { get; private set; } = null!;

    public Uri SidecarEndpoint { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        var (appPort, httpPort, grpcPort) = (FreeTcpPort.Next(), FreeTcpPort.Next(), FreeTcpPort.Next());
        _devHost = await AnalyticsDevHost.CreateAsync([new RunFileApp(AppId, httpPort, appPort) { DaprGrpcPort = grpcPort }]);

        SidecarEndpoint = new Uri($"http://127.0.0.1:{httpPort}");
        Factory = new AnalyticsFactory(Database.ConnectionString, new SidecarPorts(httpPort, grpcPort));
        Factory.UseKestrel(appPort);
        Factory.StartServer();

        // The app is already up: DevHost reads GET /dapr/config (placement of "ChannelMetrics") and the subscriptions now.
        await _devHost.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_devHost is not null)
        {
            await _devHost.DisposeAsync();
        }

        await Factory.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>Delivers a CloudEvent as daprd does and returns the app's reply status (SUCCESS / RETRY / DROP).</summary>
    public async Task<string> DeliverAsync(string route, string eventId, object data, string topic)
    {
        using var envelope = CloudEventDelivery.Envelope(eventId, data, topic, source: "channels", options: JsonSerializerOptions.Web);
        using var client = Factory.CreateClient();
        return await client.DeliverAsync(route, envelope);
    }

    public Task<string> RegisterChannelAsync(Guid channelId, Guid ownerId, string? eventId = null) =>
        DeliverAsync("/events/channel-registered", eventId ?? Guid.NewGuid().ToString(), ChannelRegistered(channelId, ownerId), "channel.registered");

    /// <summary>The data of a <c>channel.registered</c> event as the channels service publishes it.</summary>
    public static object ChannelRegistered(Guid channelId, Guid ownerId) => new
    {
        channelId,
        telegramChatId = -1001234567890L,
        username = "analytics_test",
        title = "Analytics test channel",
        ownerId,
        subscribers = 10,
        registeredAt = TimeProvider.System.GetUtcNow(),
    };

    /// <summary>Delivers <c>plan.changed</c> for <paramref name="plan"/> of the catalogue (source payments).</summary>
    public Task<string> DeliverPlanChangedAsync(Guid ownerId, string plan, long version, string? eventId = null) =>
        DeliverAsync("/events/plan-changed", eventId ?? Guid.NewGuid().ToString(), PlanChangedEvents.Data(ownerId, plan, version), PlanChangedEvents.Topic);

    public Task<string> DeliverMetricsAsync(Guid channelId, string eventId, params (string Id, string Kind, long Value)[] samples)
    {
        var at = TimeProvider.System.GetUtcNow().AddSeconds(-5);
        return DeliverAsync("/events/channel-metrics", eventId, new
        {
            channelId,
            samples = samples.Select(s => new { id = s.Id, kind = s.Kind, value = s.Value, at }).ToArray(),
        }, "channel.metrics");
    }
}

/// <summary>The ports of the app's sidecar on loopback: its HTTP API and its gRPC API.</summary>
public sealed record SidecarPorts(int Http, int Grpc);

/// <summary>The analytics app in-process on its own database.</summary>
public sealed class AnalyticsFactory : ServiceFactory<Program, AnalyticsDbContext>
{
    /// <param name="sidecar">Null: no sidecar (routes that never reach one).</param>
    /// <param name="settings">More configuration, e.g. ChannelMetrics:FlushPeriod.</param>
    public AnalyticsFactory(string connectionString, SidecarPorts? sidecar, IReadOnlyDictionary<string, string>? settings = null)
        : base(new Dictionary<string, string?>(settings?.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)) ?? [])
        {
            ["ConnectionStrings:analytics"] = connectionString,
        })
    {
        if (sidecar is not null)
        {
            Sidecar = new Uri($"http://127.0.0.1:{sidecar.Http}");
            SidecarGrpc = new Uri($"http://127.0.0.1:{sidecar.Grpc}");
        }
    }

    /// <summary>A client of a channel owner.</summary>
    public HttpClient CreateClientFor(Guid userId) => CreateClientFor(userId, PlatformRoles.ChannelOwner);
}
