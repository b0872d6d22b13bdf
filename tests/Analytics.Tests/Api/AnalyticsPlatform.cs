using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

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
        var envelope = new Dictionary<string, object?>
        {
            ["specversion"] = "1.0",
            ["id"] = eventId,
            ["source"] = "channels",
            ["type"] = "com.dapr.event.sent",
            ["topic"] = topic,
            ["pubsubname"] = "pubsub",
            ["datacontenttype"] = "application/json",
            ["data"] = data,
        };
        using var content = new StringContent(JsonSerializer.Serialize(envelope, JsonSerializerOptions.Web), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");
        using var client = Factory.CreateClient();
        using var response = await client.PostAsync(route, content);
        response.IsSuccessStatusCode.Should().BeTrue("a delivery is answered 200 with a status (pub/sub reply contract)");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("status").GetString()!;
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

/// <summary>The ports of the app's sidecar, passed as the SDK reads them (DAPR_HTTP_PORT / DAPR_GRPC_PORT settings).</summary>
public sealed record SidecarPorts(int Http, int Grpc);

/// <param name="sidecar">Null: no sidecar (routes that never reach one).</param>
/// <param name="settings">More configuration, e.g. ChannelMetrics:FlushPeriod.</param>
public sealed class AnalyticsFactory(string connectionString, SidecarPorts? sidecar, IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
{
    public TestAccessTokens Tokens { get; init; } = new();

    public HttpClient CreateClientFor(Guid userId, string role = PlatformRoles.ChannelOwner)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Tokens.Issue(userId, role));
        return client;
    }

    public async Task<T> WithDbAsync<T>(Func<AnalyticsDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<AnalyticsDbContext>());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:analytics", connectionString);
        if (sidecar is not null)
        {
            builder.UseSetting("DAPR_HTTP_PORT", sidecar.Http.ToString(CultureInfo.InvariantCulture));
            builder.UseSetting("DAPR_GRPC_PORT", sidecar.Grpc.ToString(CultureInfo.InvariantCulture));
            // The test sidecar has no secret store; the connection string is given above.
            builder.UseSetting("Sidecar:SecretStore", "none");
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.AddSingleton(Tokens.KeySource));
    }
}
