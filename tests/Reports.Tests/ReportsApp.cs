using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Reports.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace DaprPlatform.Reports.Tests;

/// <summary>A channel the analytics stand-in knows: its owner, title and the hourly series it answers.</summary>
public sealed record FakeChannel(Guid OwnerId, string Title, Func<DateTimeOffset, object?> HourAt);

/// <summary>
/// The reports app in-process on a DevHost sidecar (workflows run for real on DevHost's engine), its own database, a hand-moved
/// clock, and an analytics stand-in behind its own sidecar answering the internal hourly and summary endpoints for the channels
/// a test registers (404 for any other channel or owner), each hourly page after <see cref="HourlyDelay"/>.
/// </summary>
public class ReportsApp : IAsyncLifetime
{
    private readonly IReadOnlyDictionary<string, string> _settings;

    public ReportsApp()
        : this(new Dictionary<string, string>())
    {
    }

    /// <param name="settings">Settings of the app on top of the fixture's own (e.g. a smaller file bound).</param>
    protected ReportsApp(IReadOnlyDictionary<string, string> settings) => _settings = settings;

    public const string PublicBaseUrl = "https://share.example.test";

    /// <summary>A 30-day export is 720 hourly rows; twice that (a 60-day export of a dense series) is over the bound.</summary>
    public const int MaxRows = 1000;

    private SidecarAppHost<Program>? _host;

    public PostgresDatabase Database { get; } = new("reports");

    public TestAccessTokens Tokens { get; } = new();

    /// <summary>Real time to the second at the start; tests move it (month boundaries, link expiry).</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(DateTimeOffset.UtcNow.UtcTicks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero));

    public ConcurrentDictionary<Guid, FakeChannel> Channels { get; } = new();

    public TimeSpan HourlyDelay { get; set; }

    /// <summary>Every hourly call analytics got: (channel, from, to, caller app id).</summary>
    public ConcurrentQueue<(Guid Channel, string? From, string? To, string? Caller)> HourlyCalls { get; } = new();

    public SidecarAppHost<Program> Host => _host ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        _host = await SidecarAppHost<Program>.StartAsync(new SidecarAppHostOptions
        {
            AppId = "reports",
            Prefix = "rep",
            StandIns = new Dictionary<string, Action<WebApplication>> { ["analytics"] = MapAnalytics },
            Components = new Dictionary<string, string> { ["pubsub.yaml"] = ComponentYaml.RedisPubSub() },
            Settings = new Dictionary<string, string>(_settings)
            {
                ["ConnectionStrings:reports"] = Database.ConnectionString,
                ["Reports:PublicBaseUrl"] = PublicBaseUrl,
                ["Reports:MaxRows"] = MaxRows.ToString(CultureInfo.InvariantCulture),
                // A page a day: a 30-day export makes 30 calls, so progress has many steps to be seen on.
                ["Reports:GatherPageHours"] = "24",
            },
            ConfigureWebHost = web => web.ConfigureTestServices(s =>
            {
                s.AddSingleton(Tokens.KeySource);
                s.AddSingleton<TimeProvider>(Clock);
            }),
        });
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await Database.DisposeAsync();
    }

    /// <summary>A channel of <paramref name="ownerId"/> whose every hour has the values <paramref name="hourAt"/> gives (null: no row).</summary>
    public Guid AddChannel(Guid ownerId, Func<DateTimeOffset, object?> hourAt, string title = "Morning News")
    {
        var id = Guid.NewGuid();
        Channels[id] = new FakeChannel(ownerId, title, hourAt);
        return id;
    }

    /// <summary>A steady series: hour h (hours since the epoch) has views 100 + h % 24, subscribers growing by one a day.</summary>
    public static object SteadyHour(DateTimeOffset hour)
    {
        var h = (long)(hour - DateTimeOffset.UnixEpoch).TotalHours;
        return new { hour, views = 100 + (h % 24), reactions = 5, forwards = 2, posts = h % 6 == 0 ? 1 : 0, joins = 1, leaves = 0, subscribers = 1000 + (h / 24) };
    }

    public HttpClient Owner(Guid ownerId, string name = "Olga Owner")
    {
        var client = Host.App.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.Issue(ownerId, PlatformRoles.Tutor, name: name));
        return client;
    }

    public HttpClient Anonymous() => Host.App.CreateClient();

    /// <summary>The last <paramref name="days"/> whole days before the current hour.</summary>
    public (DateTimeOffset From, DateTimeOffset To) LastDays(int days)
    {
        var now = Clock.GetUtcNow();
        var to = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        return (to.AddDays(-days), to);
    }

    public static async Task<Guid> StartExportAsync(HttpClient owner, Guid channelId, DateTimeOffset from, DateTimeOffset to, string format)
    {
        using var response = await owner.PostAsJsonAsync("/api/reports/exports", new { channelId, from, to, format });
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        response.Headers.Location!.ToString().Should().Be($"/api/reports/exports/{id}");
        return id;
    }

    /// <summary>Polls the export until it ended (completed or failed); returns its last answer.</summary>
    public static Task<JsonElement> EndedAsync(HttpClient owner, Guid exportId, int seconds = 90) =>
        Eventually.UntilAsync($"export {exportId} to end",
            async _ => await owner.GetFromJsonAsync<JsonElement>($"/api/reports/exports/{exportId}"),
            e => e.GetProperty("status").GetString() is "completed" or "failed", TimeSpan.FromSeconds(seconds), e => e.ToString());

    /// <summary>A plan.changed delivery as daprd makes it; returns the app's reply status.</summary>
    public async Task<string> DeliverPlanAsync(Guid ownerId, string plan, int exportsPerMonth, string? liftedBy, long version, string? eventId = null)
    {
        using var client = Host.App.CreateClient();
        using var envelope = CloudEventDelivery.Envelope(eventId ?? Guid.NewGuid().ToString(), new
        {
            ownerId,
            plan,
            previousPlan = "free",
            reason = "subscribed",
            entitlements = new { maxChannels = 5, historyDays = 90, anomalyAlerts = true, exportsPerMonth },
            liftedBy = new { maxChannels = "business", historyDays = "business", anomalyAlerts = (string?)null, exportsPerMonth = liftedBy },
            version,
            changedAt = Clock.GetUtcNow(),
        }, PlatformTopics.PlanChanged, source: "payments");
        return await client.DeliverAsync("/events/plan-changed", envelope);
    }

    public Task<T> WithDbAsync<T>(Func<ReportsDbContext, Task<T>> work) => WithScopeAsync(work);

    /// <summary>The data of every <c>report.exported</c> in the app's outbox (sent or not) that <paramref name="which"/> picks.</summary>
    public Task<List<JsonElement>> AnnouncementsAsync(Func<JsonElement, bool> which) => WithScopeAsync(async db =>
        (await db.OutboxMessages.AsNoTracking().Where(m => m.Topic == PlatformTopics.ReportExported).Select(m => m.Payload).ToListAsync())
            .Select(p => JsonDocument.Parse(p).RootElement.Clone())
            .Where(which)
            .ToList());

    private async Task<T> WithScopeAsync<T>(Func<ReportsDbContext, Task<T>> work)
    {
        await using var scope = Host.App.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ReportsDbContext>());
    }

    private void MapAnalytics(WebApplication app)
    {
        app.MapGet("/internal/analytics/channels/{id:guid}/hourly", async (Guid id, string? from, string? to, string? ownerId, HttpContext http) =>
        {
            HourlyCalls.Enqueue((id, from, to, http.Request.Headers["dapr-caller-app-id"].FirstOrDefault()));
            if (!Channels.TryGetValue(id, out var channel) || !Guid.TryParse(ownerId, out var owner) || owner != channel.OwnerId)
            {
                return Results.NotFound();
            }

            if (HourlyDelay > TimeSpan.Zero) { await Task.Delay(HourlyDelay); }
            var (start, end) = (DateTimeOffset.Parse(from!, CultureInfo.InvariantCulture), DateTimeOffset.Parse(to!, CultureInfo.InvariantCulture));
            var hours = new List<object>();
            for (var hour = start; hour < end; hour = hour.AddHours(1))
            {
                if (channel.HourAt(hour) is { } row) { hours.Add(row); }
            }

            return Results.Json(new { channelId = id, title = channel.Title, from = start, to = end, hours });
        });
        app.MapGet("/internal/analytics/channels/{id:guid}/summary", (Guid id, string? ownerId) =>
            !Channels.TryGetValue(id, out var channel) || !Guid.TryParse(ownerId, out var owner) || owner != channel.OwnerId
                ? Results.NotFound()
                : Results.Json(new
                {
                    channelId = id,
                    title = channel.Title,
                    period = "24h",
                    from = DateTimeOffset.UtcNow.AddHours(-24),
                    to = DateTimeOffset.UtcNow,
                    totals = new { views = 2400, reactions = 120, forwards = 48, posts = 4, joins = 24, leaves = 3 },
                    subscribers = 1234,
                    subscriberGrowth = 21,
                    engagementRate = 0.07,
                    postsPerDay = 4.0,
                }));
    }
}

[CollectionDefinition(Name)]
public sealed class ReportsAppCollection : ICollectionFixture<ReportsApp>
{
    public const string Name = "reports app on DevHost";
}
