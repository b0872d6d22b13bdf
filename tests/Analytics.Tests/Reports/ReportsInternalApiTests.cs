using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Analytics.Domain;
using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.Analytics.Tests.Api;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DaprPlatform.Analytics.Tests.Reports;

/// <summary>The reports app's reads: a channel's hourly rollups for an export, owner-checked, invocation-only from "reports".</summary>
public sealed class ReportsInternalApiTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Hour0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly PostgresDatabase _database = new("analytics_rep");
    private AnalyticsFactory _factory = null!;
    private readonly Guid _owner = Guid.NewGuid();
    private readonly Guid _channel = Guid.NewGuid();
    private readonly Guid _removed = Guid.NewGuid();

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        // The hourly read needs no sidecar; the summary's owner check answers before any actor is asked.
        _factory = new AnalyticsFactory(_database.ConnectionString, sidecar: null);
        await _factory.WithDbAsync(async db =>
        {
            db.Channels.Add(new TrackedChannel { Id = _channel, OwnerId = _owner, Title = "Rollup Channel", RegisteredAt = Hour0 });
            db.Channels.Add(new TrackedChannel { Id = _removed, OwnerId = _owner, Title = "Gone", RegisteredAt = Hour0, RemovedAt = Hour0.AddDays(1) });
            foreach (var (hour, kind, total) in new[]
            {
                (0, "views", 10L), (0, "reactions", 2L), (0, "subscribers", 500L),
                (2, "views", 7L), (2, "leaves", 1L),
                (5, "views", 99L), // outside the period asked below
            })
            {
                db.HourlyRollups.Add(new HourlyRollupRow { ChannelId = _channel, Hour = Hour0.AddHours(hour), Kind = kind, Total = total });
            }

            db.HourlyRollups.Add(new HourlyRollupRow { ChannelId = _removed, Hour = Hour0, Kind = "views", Total = 1 });
            return await db.SaveChangesAsync();
        });
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task The_owners_channel_answers_its_hours_in_the_period_with_every_counter_and_the_subscriber_reading()
    {
        using var reports = Caller(_factory);

        var series = await reports.GetFromJsonAsync<JsonElement>(HourlyPath(_channel, _owner, Hour0, Hour0.AddHours(3)));

        series.GetProperty("title").GetString().Should().Be("Rollup Channel");
        var hours = series.GetProperty("hours").EnumerateArray().ToList();
        hours.Should().HaveCount(2, "hours without rollups are absent; hour 5 is outside the period");
        hours[0].GetProperty("hour").GetDateTimeOffset().Should().Be(Hour0);
        (hours[0].GetProperty("views").GetInt64(), hours[0].GetProperty("reactions").GetInt64(), hours[0].GetProperty("forwards").GetInt64(), hours[0].GetProperty("subscribers").GetInt64())
            .Should().Be((10L, 2L, 0L, 500L));
        hours[1].GetProperty("hour").GetDateTimeOffset().Should().Be(Hour0.AddHours(2));
        (hours[1].GetProperty("views").GetInt64(), hours[1].GetProperty("leaves").GetInt64()).Should().Be((7L, 1L));
        hours[1].GetProperty("subscribers").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Theory]
    [InlineData("another owner")]
    [InlineData("removed channel")]
    [InlineData("unknown channel")]
    public async Task A_channel_that_is_not_that_owners_is_404_on_both_reads(string why)
    {
        var (channel, owner) = why switch
        {
            "another owner" => (_channel, Guid.NewGuid()),
            "removed channel" => (_removed, _owner),
            _ => (Guid.NewGuid(), _owner),
        };
        using var reports = Caller(_factory);

        using var hourly = await reports.GetAsync(HourlyPath(channel, owner, Hour0, Hour0.AddHours(3)));
        using var summary = await reports.GetAsync($"/internal/analytics/channels/{channel}/summary?ownerId={owner}");

        hourly.StatusCode.Should().Be(HttpStatusCode.NotFound, why);
        summary.StatusCode.Should().Be(HttpStatusCode.NotFound, why);
        await hourly.ReadProblemAsync();
        await summary.ReadProblemAsync();
    }

    public static TheoryData<string, string, string?, int, string?> Cases() => new()
    {
        // name, path ({c} the channel, {o} its owner), caller app id (null: no sidecar), status, field
        { "hourly without owner", "/internal/analytics/channels/{c}/hourly?from=2026-11-01T00:00:00Z&to=2026-11-01T03:00:00Z", "reports", 400, "ownerId" },
        { "hourly empty owner", $"/internal/analytics/channels/{{c}}/hourly?from=2026-11-01T00:00:00Z&to=2026-11-01T03:00:00Z&ownerId={Guid.Empty}", "reports", 400, "ownerId" },
        { "hourly without from", "/internal/analytics/channels/{c}/hourly?to=2026-11-01T03:00:00Z&ownerId={o}", "reports", 400, "from" },
        { "hourly from not a date", "/internal/analytics/channels/{c}/hourly?from=soon&to=2026-11-01T03:00:00Z&ownerId={o}", "reports", 400, "from" },
        { "hourly without to", "/internal/analytics/channels/{c}/hourly?from=2026-11-01T00:00:00Z&ownerId={o}", "reports", 400, "to" },
        { "hourly to before from", "/internal/analytics/channels/{c}/hourly?from=2026-11-01T03:00:00Z&to=2026-11-01T00:00:00Z&ownerId={o}", "reports", 400, "to" },
        { "hourly over a month", "/internal/analytics/channels/{c}/hourly?from=2026-10-01T00:00:00Z&to=2026-11-02T00:00:00Z&ownerId={o}", "reports", 400, "to" },
        { "hourly channel not a guid", "/internal/analytics/channels/c-1/hourly?from=2026-11-01T00:00:00Z&to=2026-11-01T03:00:00Z&ownerId={o}", "reports", 404, null },
        { "hourly not through a sidecar", "/internal/analytics/channels/{c}/hourly?from=2026-11-01T00:00:00Z&to=2026-11-01T03:00:00Z&ownerId={o}", null, 403, null },
        { "hourly from another app", "/internal/analytics/channels/{c}/hourly?from=2026-11-01T00:00:00Z&to=2026-11-01T03:00:00Z&ownerId={o}", "gateway", 403, null },
        { "summary without owner", "/internal/analytics/channels/{c}/summary", "reports", 400, "ownerId" },
        { "summary owner not a guid", "/internal/analytics/channels/{c}/summary?ownerId=me", "reports", 400, "ownerId" },
        { "summary not through a sidecar", "/internal/analytics/channels/{c}/summary?ownerId={o}", null, 403, null },
        { "summary from another app", "/internal/analytics/channels/{c}/summary?ownerId={o}", "workflows", 403, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_requests(string name, string path, string? caller, int status, string? field)
    {
        using var client = caller is null ? _factory.CreateClient() : Caller(_factory, caller);
        await client.ShouldRejectAsync(HttpMethod.Get, path.Replace("{c}", _channel.ToString(), StringComparison.Ordinal).Replace("{o}", _owner.ToString(), StringComparison.Ordinal),
            null, null, status, field, name);
    }

    private static string HourlyPath(Guid channel, Guid owner, DateTimeOffset from, DateTimeOffset to) =>
        $"/internal/analytics/channels/{channel}/hourly?from={Uri.EscapeDataString(from.ToString("O", System.Globalization.CultureInfo.InvariantCulture))}" +
        $"&to={Uri.EscapeDataString(to.ToString("O", System.Globalization.CultureInfo.InvariantCulture))}&ownerId={owner}";

    /// <summary>daprd stamps the caller's app id on every invocation; the reports app is the one these routes serve.</summary>
    private static HttpClient Caller(WebApplicationFactory<Program> factory, string callerAppId = "reports")
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("dapr-caller-app-id", callerAppId);
        return client;
    }
}
