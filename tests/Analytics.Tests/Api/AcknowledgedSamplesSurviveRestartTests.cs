using System.Net;
using System.Text.Json;
using Dapr.Client;
using DaprPlatform.Analytics.Actors;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DaprPlatform.Analytics.Tests.Api;

/// <summary>
/// The crash-loss window, as a new user met it: batches published through DevHost's broker, each delivery acknowledged, then
/// the analytics host gone before any flush (the flush period is an hour here) and a new one started on the same port.
/// Every acknowledged sample must be counted, exactly once, also when the same samples arrive again under new event ids.
/// </summary>
public sealed class AcknowledgedSamplesSurviveRestartTests : IAsyncLifetime
{
    private const string PubSub = "pubsub";
    private const int Batches = 30;
    private const int SamplesPerBatch = 100;

    // Generous: the machine is shared with parallel builds.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly PostgresDatabase _database = new("analytics_restart");
    private readonly TestAccessTokens _tokens = new();
    private readonly int _appPort = FreeTcpPort.Next();
    private readonly SidecarPorts _analyticsSidecar = new(FreeTcpPort.Next(), FreeTcpPort.Next());
    private readonly SidecarPorts _channelsSidecar = new(FreeTcpPort.Next(), FreeTcpPort.Next());
    private AnalyticsDevHost? _devHost;
    private AnalyticsFactory? _analytics;
    private DaprClient? _channels;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _devHost = await AnalyticsDevHost.CreateAsync(
            [
                new RunFileApp(AnalyticsPlatform.AppId, _analyticsSidecar.Http, _appPort) { DaprGrpcPort = _analyticsSidecar.Grpc },
                new RunFileApp("channels", _channelsSidecar.Http) { DaprGrpcPort = _channelsSidecar.Grpc },
            ],
            runFile => runFile.WithComponent("pubsub.yaml", ComponentYaml.RedisPubSub(PubSub)));
        StartAnalytics();
        await _devHost.StartAsync();
        _channels = new DaprClientBuilder()
            .UseHttpEndpoint($"http://127.0.0.1:{_channelsSidecar.Http}")
            .UseGrpcEndpoint($"http://127.0.0.1:{_channelsSidecar.Grpc}")
            .Build();
    }

    public async Task DisposeAsync()
    {
        _channels?.Dispose();
        if (_analytics is not null)
        {
            await _analytics.DisposeAsync();
        }

        if (_devHost is not null)
        {
            await _devHost.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Every_acknowledged_sample_is_counted_once_after_the_host_is_gone_before_a_flush()
    {
        var (channelId, owner) = (Guid.NewGuid(), Guid.NewGuid());
        await RegisterChannelAsync(channelId, owner);

        await PublishBatchesAsync(channelId, eventIdPrefix: "first");
        await WaitForAcknowledgedAsync(Batches);
        await _analytics!.DisposeAsync();
        _analytics = null;

        // Nothing was flushed: what the new host finds comes from the journal saved before each acknowledgement.
        (await ReadActorStateAsync(channelId, ChannelMetricsActor.StateKey)).Should().BeNull("the flush period is an hour");
        (await ReadActorStateAsync(channelId, IngestJournal.Key)).Should().NotBeNull();

        StartAnalytics();
        (await ReadViewsAsync(channelId, owner)).Should().Be(Batches * SamplesPerBatch);

        // The same samples again under new CloudEvent ids (a crash between the actor's save and the inbox commit looks
        // like this): the actor's seen sample ids, restored from the journal, keep them out.
        await PublishBatchesAsync(channelId, eventIdPrefix: "again");
        await WaitForAcknowledgedAsync(2 * Batches);
        (await ReadViewsAsync(channelId, owner)).Should().Be(Batches * SamplesPerBatch);

        // And once more across a second restart.
        await _analytics!.DisposeAsync();
        StartAnalytics();
        (await ReadViewsAsync(channelId, owner)).Should().Be(Batches * SamplesPerBatch);
    }

    /// <summary>A new analytics host on the same app port and sidecar (DevHost keeps its subscriptions and actor placement).</summary>
    private void StartAnalytics()
    {
        _analytics = new AnalyticsFactory(_database.ConnectionString, _analyticsSidecar, new Dictionary<string, string>
        {
            [$"{ChannelMetricsOptions.SectionName}:{nameof(ChannelMetricsOptions.FlushPeriod)}"] = "01:00:00",
        })
        {
            Tokens = _tokens,
        };
        _analytics.UseKestrel(_appPort);
        _analytics.StartServer();
    }

    private async Task RegisterChannelAsync(Guid channelId, Guid ownerId)
    {
        await _channels!.PublishEventAsync(PubSub, "channel.registered", AnalyticsPlatform.ChannelRegistered(channelId, ownerId));
        await Eventually.UntilAsync(
            "the channel to be registered",
            ct => _analytics!.WithDbAsync(db => db.Channels.AnyAsync(c => c.Id == channelId, ct)),
            found => found,
            Patience,
            _ => "not yet");
    }

    /// <summary>Views samples of value 1 with ids stable per (batch, sample), each batch under its own CloudEvent id.</summary>
    private async Task PublishBatchesAsync(Guid channelId, string eventIdPrefix)
    {
        var at = TimeProvider.System.GetUtcNow().AddSeconds(-5);
        for (var b = 0; b < Batches; b++)
        {
            var batch = new
            {
                channelId,
                samples = Enumerable.Range(0, SamplesPerBatch).Select(s => new { id = $"{channelId:N}-{b}-{s}", kind = "views", value = 1, at }).ToArray(),
            };
            await _channels!.PublishEventAsync(PubSub, "channel.metrics", batch,
                new Dictionary<string, string> { ["cloudevent.id"] = $"{eventIdPrefix}-{channelId:N}-{b}" });
        }
    }

    /// <summary>Waits until DevHost's broker has recorded <paramref name="expected"/> acknowledged channel.metrics deliveries.</summary>
    private Task WaitForAcknowledgedAsync(long expected) =>
        Eventually.UntilAsync(
            $"{expected} channel.metrics deliveries acknowledged",
            async ct =>
            {
                var devhost = new NpgsqlConnectionStringBuilder(PostgresDatabase.AdminConnectionString) { Database = _devHost!.Prefix + "devhost" };
                await using var connection = new NpgsqlConnection(devhost.ConnectionString);
                await connection.OpenAsync(ct);
                await using var query = new NpgsqlCommand(
                    "SELECT count(*) FILTER (WHERE state = 'delivered') FROM devhost_deliveries WHERE topic = 'channel.metrics' AND subscriber = 'analytics'",
                    connection);
                return (long)(await query.ExecuteScalarAsync(ct))!;
            },
            delivered => delivered >= expected,
            Patience,
            delivered => $"{delivered} delivered",
            TimeSpan.FromMilliseconds(50));

    /// <summary>The actor's stored state under <paramref name="key"/> through the sidecar's actor API; null when there is none.</summary>
    private async Task<string?> ReadActorStateAsync(Guid channelId, string key)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_analyticsSidecar.Http}") };
        using var response = await http.GetAsync($"v1.0/actors/{ChannelMetricsActor.TypeName}/{channelId}/state/{key}");
        return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : null;
    }

    private async Task<long> ReadViewsAsync(Guid channelId, Guid owner)
    {
        using var client = _analytics!.CreateClientFor(owner);
        using var response = await client.GetAsync($"/api/analytics/channels/{channelId}/realtime");
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("totals").GetProperty("views").GetInt64();
    }
}
