using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.DevHost;
using DaprPlatform.TestSupport;
using Npgsql;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>
/// Issue 14's crash-loss window, through the gateway as a new user meets it: 30 batches of 100 view samples, each answered
/// 202 by the channels service, then a crash while they are on their way to analytics. Every accepted sample must be
/// counted, exactly once, once the platform is back.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class AnalyticsCrashTests(PlatformFixture platform)
{
    [Fact]
    public async Task Analytics_SIGKILLed_while_batches_are_in_flight_counts_every_accepted_sample_exactly_once()
    {
        var journey = await AnalyticsCrashJourney.StartAsync(platform, "crash_alone");
        try
        {
            // The kill lands mid-stream: batches before it are acknowledged and not yet flushed, batches after it wait
            // in channels' outbox and DevHost's broker (delivery retries) until analytics is back.
            var posting = journey.PostBatchesAsync(AnalyticsCrashJourney.Batches);
            await journey.WaitForAcceptedAsync(AnalyticsCrashJourney.Batches / 3);
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            await platform.Host.StopAppAsync("analytics", AppStopMode.Kill);
            (await posting).Should().Be(AnalyticsCrashJourney.Batches, "channels keeps accepting while analytics is down");
            await platform.StartAppAsync("analytics");

            await journey.ExpectExactlyAsync(platform.Host, AnalyticsCrashJourney.Batches);
        }
        finally
        {
            if (platform.Host.Apps.Single(a => a.AppId == "analytics").State == AppState.Stopped) { await platform.StartAppAsync("analytics"); }
        }
    }
}

/// <summary>
/// The whole platform killed: every app SIGKILLed 0.3 s after the last 202, then DevHost itself gone (it runs in this test
/// process, so it is stopped with its apps already dead: no actor can be deactivated or flushed; what it keeps is in
/// Postgres, as with daprd and a real broker), then everything started again on the same databases.
/// Runs alone, after the shared platform collection, because it starts its own platform on the run file's fixed ports.
/// </summary>
[Collection(WholePlatformCrashCollection.Name)]
public sealed class AnalyticsWholePlatformCrashTests : IAsyncLifetime
{
    private readonly string _prefix = $"e2ecrash_{Guid.NewGuid():N}"[..20] + "_";
    private readonly PlatformFixture _clients = new();
    private PlatformHost? _host;

    public async Task InitializeAsync() => _host = await StartPlatformAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await _clients.DisposeAsync(); // its host was never started: this disposes its HTTP clients only
        await PostgresDatabase.DropAllWithPrefixAsync(_prefix);
    }

    [Fact]
    public async Task Whole_platform_SIGKILLed_after_the_batches_were_accepted_counts_every_sample_exactly_once_after_restart()
    {
        var journey = await AnalyticsCrashJourney.StartAsync(_clients, "crash_all");
        (await journey.PostBatchesAsync(AnalyticsCrashJourney.Batches)).Should().Be(AnalyticsCrashJourney.Batches);
        await Task.Delay(TimeSpan.FromMilliseconds(300));

        var host = _host!;
        await Task.WhenAll(host.Apps.Select(a => host.StopAppAsync(a.AppId, AppStopMode.Kill)));
        _host = null;
        await host.DisposeAsync();

        _host = await StartPlatformAsync();
        await journey.ExpectExactlyAsync(_host, AnalyticsCrashJourney.Batches);
    }

    /// <summary>The repository's run file on its fixed ports with the stand-ins, as <see cref="PlatformFixture"/> starts it, on this test's databases.</summary>
    private Task<PlatformHost> StartPlatformAsync() =>
        PlatformHost.StartAsync(new DevHostOptions
        {
            RunFilePath = Path.Combine(RepositoryRoot.Path, "dapr.yaml"),
            PostgresConnectionString = PostgresDatabase.AdminConnectionString,
            DatabasePrefix = _prefix,
            AppStartTimeout = TimeSpan.FromMinutes(3),
            TelegramStandIn = new TelegramStandInOptions { Port = PlatformFixture.TelegramStandInPort },
            StripeStandIn = new StripeStandInOptions { Port = PlatformFixture.StripeStandInPort },
            // The test polls the realtime view through the gateway for minutes.
            AppEnvironment = new Dictionary<string, IReadOnlyDictionary<string, string>> { ["gateway"] = new Dictionary<string, string> { ["Gateway__RateLimit__PermitLimit"] = "100000" } },
        });
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WholePlatformCrashCollection
{
    public const string Name = "whole-platform-crash";
}

/// <summary>One channel owner, one channel, and batches of <see cref="SamplesPerBatch"/> distinct view samples of value 1.</summary>
internal sealed class AnalyticsCrashJourney
{
    public const int Batches = 30;
    public const int SamplesPerBatch = 100;

    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private readonly PlatformFixture _platform;
    private int _accepted;

    private AnalyticsCrashJourney(PlatformFixture platform, string token, Guid channelId)
    {
        _platform = platform;
        Token = token;
        ChannelId = channelId;
    }

    public string Token { get; }

    public Guid ChannelId { get; }

    public static async Task<AnalyticsCrashJourney> StartAsync(PlatformFixture platform, string usernamePrefix)
    {
        var (_, token) = await platform.RegisterAndLogInAsync("channel-owner");
        var username = $"{usernamePrefix}_{Guid.NewGuid():N}"[..Math.Min(32, usernamePrefix.Length + 13)];
        using var registered = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, "/api/channels", token, new { telegram = "@" + username });
        registered.StatusCode.Should().Be(HttpStatusCode.Created, await registered.Content.ReadAsStringAsync());
        var channelId = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var journey = new AnalyticsCrashJourney(platform, token, channelId);

        // Analytics knows the channel before any sample is sent, so every read below is about samples, not registration.
        await Eventually.UntilAsync("analytics to know the channel", _ => journey.ReadViewsAsync(), views => views == 0, Patience,
            views => views?.ToString(CultureInfo.InvariantCulture) ?? "not readable yet", TimeSpan.FromMilliseconds(500));
        return journey;
    }

    /// <summary>Posts batches one after another through the gateway; returns how many were answered 202 (stops at the first other answer).</summary>
    public async Task<int> PostBatchesAsync(int count)
    {
        for (var b = 0; b < count; b++)
        {
            var at = DateTimeOffset.UtcNow.AddSeconds(-5);
            var samples = Enumerable.Range(0, SamplesPerBatch).Select(s => new { id = $"crash-{b}-{s}", kind = "views", value = 1, at }).ToArray();
            try
            {
                using var posted = await PlatformFixture.SendAsync(_platform.Gateway, HttpMethod.Post, $"/api/channels/{ChannelId}/metrics", Token, new { samples });
                if (posted.StatusCode != HttpStatusCode.Accepted) { break; }
            }
            catch (HttpRequestException)
            {
                break;
            }

            Interlocked.Increment(ref _accepted);
        }

        return Volatile.Read(ref _accepted);
    }

    public Task WaitForAcceptedAsync(int count) =>
        Eventually.UntilAsync($"{count} batches accepted", _ => Task.FromResult(Volatile.Read(ref _accepted)), n => n >= count, Patience,
            n => n.ToString(CultureInfo.InvariantCulture), TimeSpan.FromMilliseconds(20));

    /// <summary>
    /// Waits for exactly <paramref name="batches"/> × <see cref="SamplesPerBatch"/> views, then for the pipeline to be empty
    /// for this channel (every channel.metrics event published and in analytics' inbox once) and reads the total again: a
    /// redelivery counted twice would show there.
    /// </summary>
    public async Task ExpectExactlyAsync(PlatformHost host, int batches)
    {
        long expected = (long)batches * SamplesPerBatch;
        var views = await Eventually.UntilAsync("every accepted sample to be counted", _ => ReadViewsAsync(), v => v >= expected, Patience,
            v => v?.ToString(CultureInfo.InvariantCulture) ?? "not readable", TimeSpan.FromMilliseconds(500));
        views.Should().Be(expected, "no sample is counted twice");

        var eventIds = await Eventually.UntilAsync("channels to have published every batch", _ => PublishedEventIdsAsync(host), ids => ids.Count == batches,
            Patience, ids => $"{ids.Count} published", TimeSpan.FromMilliseconds(500));
        await Eventually.UntilAsync("analytics' inbox to hold every batch once", _ => CountInboxAsync(host, eventIds), n => n == batches,
            Patience, n => $"{n} in the inbox", TimeSpan.FromMilliseconds(500));
        (await ReadViewsAsync()).Should().Be(expected);
    }

    private async Task<long?> ReadViewsAsync()
    {
        try
        {
            using var response = await PlatformFixture.SendAsync(_platform.Gateway, HttpMethod.Get, $"/api/analytics/channels/{ChannelId}/realtime?minutes=60", Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                // 404 until channel.registered reaches analytics; 503 (or 502 from the gateway) while analytics is coming back.
                return null;
            }

            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("totals").GetProperty("views").GetInt64();
        }
        catch (HttpRequestException)
        {
            return null; // the gateway itself is restarting
        }
    }

    /// <summary>The CloudEvent ids of this channel's channel.metrics events (channels' outbox row ids), once published.</summary>
    private async Task<IReadOnlyList<string>> PublishedEventIdsAsync(PlatformHost host)
    {
        await using var connection = new NpgsqlConnection(host.GetAppConnectionString("channels"));
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            "SELECT id::text FROM outbox_messages WHERE topic = 'channel.metrics' AND payload->>'channelId' = @channel AND sent_at IS NOT NULL", connection);
        query.Parameters.AddWithValue("channel", ChannelId.ToString());
        var ids = new List<string>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync()) { ids.Add(reader.GetString(0)); }
        return ids;
    }

    private static async Task<long> CountInboxAsync(PlatformHost host, IReadOnlyList<string> eventIds)
    {
        await using var connection = new NpgsqlConnection(host.GetAppConnectionString("analytics"));
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            "SELECT count(*) FROM inbox_messages WHERE consumer = 'analytics.channel-metrics' AND message_id = ANY(@ids)", connection);
        query.Parameters.AddWithValue("ids", eventIds.ToArray());
        return (long)(await query.ExecuteScalarAsync())!;
    }
}
