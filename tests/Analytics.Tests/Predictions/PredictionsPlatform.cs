using DaprPlatform.Analytics.Domain;
using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.Analytics.Tests.Api;
using DaprPlatform.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Analytics.Tests.Predictions;

/// <summary>
/// analytics in-process beside a real DevHost whose run file also names <c>ml</c>: an in-test <see cref="FakeMl"/> on its
/// own port, reached by invocation through analytics' sidecar exactly as the Python app is. History is arranged as the
/// hourly rollups the ChannelMetrics actors write.
/// </summary>
public sealed class PredictionsPlatform : IAsyncLifetime
{
    private AnalyticsDevHost? _devHost;
    private SidecarPorts _sidecar = null!;

    public PostgresDatabase Database { get; } = new("analytics_predictions");

    public AnalyticsFactory Factory { get; private set; } = null!;

    public FakeMl Ml { get; } = new(FreeTcpPort.Next());

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await Ml.StartAsync();
        var (appPort, httpPort, grpcPort, mlHttpPort) = (FreeTcpPort.Next(), FreeTcpPort.Next(), FreeTcpPort.Next(), FreeTcpPort.Next());
        _devHost = await AnalyticsDevHost.CreateAsync(
        [
            new RunFileApp(AnalyticsPlatform.AppId, httpPort, appPort) { DaprGrpcPort = grpcPort },
            new RunFileApp(MlApp.AppId, mlHttpPort, Ml.Port),
        ]);
        _sidecar = new SidecarPorts(httpPort, grpcPort);
        Factory = CreateFactory(new Dictionary<string, string>(StringComparer.Ordinal) { ["Predictions:CallTimeout"] = "00:00:03" });
        Factory.UseKestrel(appPort);
        Factory.StartServer();
        await _devHost.StartAsync();
    }

    /// <summary>Another analytics on the same database and sidecar, with other settings (e.g. a short cache TTL).</summary>
    public AnalyticsFactory CreateFactory(IReadOnlyDictionary<string, string> settings) => new(Database.ConnectionString, _sidecar, settings);

    public async Task DisposeAsync()
    {
        if (_devHost is not null)
        {
            await _devHost.DisposeAsync();
        }

        await Factory.DisposeAsync();
        await Ml.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>A channel of <paramref name="owner"/> with <paramref name="hours"/> complete hours of views (and a post every 6 h).</summary>
    public async Task<Guid> ChannelWithHistoryAsync(Guid owner, int hours, Func<int, long>? views = null)
    {
        var channelId = Guid.NewGuid();
        var end = ChannelHistory.EndBefore(TimeProvider.System.GetUtcNow());
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AnalyticsDbContext>();
        db.Channels.Add(new TrackedChannel
        {
            Id = channelId,
            OwnerId = owner,
            TelegramChatId = -100123,
            Title = "Forecast test channel",
            RegisteredAt = end.AddHours(-hours - 1),
        });
        for (var i = 0; i < hours; i++)
        {
            var hour = end.AddHours(i - hours);
            db.HourlyRollups.Add(new HourlyRollupRow { ChannelId = channelId, Hour = hour, Kind = "views", Total = views?.Invoke(i) ?? 100 + (i % 24) });
            if (i % 6 == 0)
            {
                db.HourlyRollups.Add(new HourlyRollupRow { ChannelId = channelId, Hour = hour, Kind = "posts", Total = 1 });
            }
        }

        await db.SaveChangesAsync();
        return channelId;
    }

    /// <summary>Adds a rollup for the hour that ended last, as a late sample would.</summary>
    public async Task AddViewsToTheLastHourAsync(Guid channelId, long views)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AnalyticsDbContext>();
        var last = ChannelHistory.EndBefore(TimeProvider.System.GetUtcNow()).AddHours(-1);
        var row = await db.HourlyRollups.FindAsync(channelId, last, "views");
        row!.Total += views;
        await db.SaveChangesAsync();
    }
}
