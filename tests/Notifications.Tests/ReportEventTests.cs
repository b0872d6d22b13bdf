using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Notifications.Contracts;
using DaprPlatform.Notifications.Domain;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Tests;

/// <summary>report.exported (reports) tells the export's owner it is ready, with a link, or that it failed and why: once per export.</summary>
public sealed class ReportEventTests(NotificationsFixture fx) : IClassFixture<NotificationsFixture>
{
    private const string Route = "/events/report-exported";

    private readonly NotificationsFactory _app = fx.Factory;

    private static readonly DateTimeOffset From = new(2026, 11, 7, 0, 0, 0, TimeSpan.Zero);

    /// <summary>What reports publishes (its record's members, camelCase) for a 30-day PDF export.</summary>
    private static object Exported(Guid exportId, Guid ownerId, string status = "completed", string? title = "Morning News", string format = "pdf",
        string? failureReason = null, long? sizeBytes = 184_320) => new
    {
        exportId,
        ownerId,
        channelId = Guid.NewGuid(),
        channelTitle = title,
        format,
        periodFrom = From,
        periodTo = From.AddDays(30),
        status,
        failureReason = status == "failed" ? failureReason : null,
        sizeBytes = status == "completed" ? sizeBytes : null,
        occurredAt = From.AddDays(30).AddMinutes(3),
    };

    [Fact]
    public async Task Subscribe_lists_report_exported_with_its_dead_letter_topic()
    {
        using var client = _app.CreateClient();

        var subscriptions = await client.GetFromJsonAsync<JsonElement>("/dapr/subscribe");

        subscriptions.EnumerateArray().Should().ContainSingle(s => s.GetProperty("topic").GetString() == "report.exported")
            .Which.GetProperty("deadLetterTopic").GetString().Should().Be("report.exported.deadletter");
    }

    [Fact]
    public async Task A_ready_export_tells_its_owner_once_in_the_app_with_a_link_to_the_export_however_often_delivered()
    {
        var (owner, exportId) = (Guid.NewGuid(), Guid.NewGuid());
        using var client = _app.CreateClient();
        var eventId = Guid.NewGuid().ToString();

        (await CloudEvents.DeliverToAsync(client, Route, eventId, Exported(exportId, owner))).Should().Be("SUCCESS");
        (await CloudEvents.DeliverToAsync(client, Route, eventId, Exported(exportId, owner))).Should().Be("SUCCESS", "a redelivery is acknowledged");
        (await CloudEvents.DeliverToAsync(client, Route, Guid.NewGuid().ToString(), Exported(exportId, owner))).Should().Be("SUCCESS", "a republish too");

        var notice = (await NotificationsOfAsync(owner)).Should().ContainSingle("one export, one notice").Subject;
        notice.Kind.Should().Be(ReportMessages.ExportReadyKind);
        notice.Title.Should().Be("PDF export ready: Morning News");
        notice.Body.Should().Be($"Your PDF export of Morning News for 7 Nov 2026 – 6 Dec 2026 is ready (180 KB). Download or share it: http://localhost:5009/reports/exports/{exportId}");
        fx.Bot.Calls.Should().NotContain(c => c.Body.Contains(exportId.ToString()), "the owner did not choose Telegram");

        using var api = _app.CreateClientFor(owner);
        var listed = await api.GetFromJsonAsync<JsonElement>("/api/notifications");
        listed.GetProperty("items").EnumerateArray().Should().ContainSingle().Which.GetProperty("title").GetString().Should().Be("PDF export ready: Morning News");
    }

    [Fact]
    public async Task A_failed_export_tells_its_owner_why_and_goes_to_Telegram_when_they_chose_it()
    {
        var (owner, exportId) = (Guid.NewGuid(), Guid.NewGuid());
        await ChooseTelegramAsync(owner, "777000444");
        using var client = _app.CreateClient();
        var failed = Exported(exportId, owner, "failed", title: null, format: "csv",
            failureReason: "The channel is no longer known to analytics as yours (removed?); nothing was exported.");

        (await CloudEvents.DeliverToAsync(client, Route, Guid.NewGuid().ToString(), failed)).Should().Be("SUCCESS");
        (await CloudEvents.DeliverToAsync(client, Route, Guid.NewGuid().ToString(), failed)).Should().Be("SUCCESS");

        var notice = (await NotificationsOfAsync(owner)).Should().ContainSingle().Subject;
        notice.Kind.Should().Be(ReportMessages.ExportFailedKind);
        notice.Title.Should().Be("CSV export failed: your channel");
        notice.Body.Should().Be("Your CSV export of your channel for 7 Nov 2026 – 6 Dec 2026 failed: The channel is no longer known to analytics as yours (removed?); " +
            $"nothing was exported. It does not count against your monthly exports. Details: http://localhost:5009/reports/exports/{exportId}");
        var sent = fx.Bot.Calls.Where(c => c.Body.Contains("777000444")).Should().ContainSingle("told once on Telegram too").Subject;
        sent.Body.Should().Contain("CSV export failed: your channel");
        (await _app.WithDbAsync(db => db.DeliveryLog.CountAsync(d => d.NotificationId == notice.Id))).Should().Be(2, "in-app and Telegram are logged");
    }

    [Fact]
    public async Task A_ready_export_goes_to_Telegram_only_while_the_owner_has_it_turned_on()
    {
        var owner = Guid.NewGuid();
        await ChooseTelegramAsync(owner, "777000555");
        using var client = _app.CreateClient();
        (await CloudEvents.DeliverToAsync(client, Route, Guid.NewGuid().ToString(), Exported(Guid.NewGuid(), owner))).Should().Be("SUCCESS");
        using (var api = _app.CreateClientFor(owner))
        {
            using var off = await api.PutAsJsonAsync("/api/notifications/preferences", new { inApp = true, telegram = false, email = false, telegramChatId = "777000555" });
            off.EnsureSuccessStatusCode();
        }

        (await CloudEvents.DeliverToAsync(client, Route, Guid.NewGuid().ToString(), Exported(Guid.NewGuid(), owner))).Should().Be("SUCCESS");

        (await NotificationsOfAsync(owner)).Should().HaveCount(2, "in the app always");
        fx.Bot.Calls.Where(c => c.Body.Contains("777000555")).Should().ContainSingle("on Telegram only while it was chosen");
    }

    public static TheoryData<string, string> Unusable() => new()
    {
        // name, data (JSON): none can be told, so each is dropped and writes nothing
        { "no owner", """{"exportId":"6f1c1b3e-0000-4000-8000-000000000001","format":"pdf","periodFrom":"2026-11-07T00:00:00+00:00","periodTo":"2026-12-07T00:00:00+00:00","status":"completed"}""" },
        { "no export", """{"ownerId":"6f1c1b3e-0000-4000-8000-000000000002","format":"pdf","periodFrom":"2026-11-07T00:00:00+00:00","periodTo":"2026-12-07T00:00:00+00:00","status":"completed"}""" },
        { "still running", """{"exportId":"6f1c1b3e-0000-4000-8000-000000000001","ownerId":"6f1c1b3e-0000-4000-8000-000000000002","format":"pdf","periodFrom":"2026-11-07T00:00:00+00:00","periodTo":"2026-12-07T00:00:00+00:00","status":"running"}""" },
        { "no status", """{"exportId":"6f1c1b3e-0000-4000-8000-000000000001","ownerId":"6f1c1b3e-0000-4000-8000-000000000002","format":"pdf","periodFrom":"2026-11-07T00:00:00+00:00","periodTo":"2026-12-07T00:00:00+00:00"}""" },
        { "period not a time", """{"exportId":"6f1c1b3e-0000-4000-8000-000000000001","ownerId":"6f1c1b3e-0000-4000-8000-000000000002","format":"pdf","periodFrom":"last month","periodTo":"2026-12-07T00:00:00+00:00","status":"completed"}""" },
        { "an array", "[1]" },
    };

    [Theory]
    [MemberData(nameof(Unusable))]
    public async Task Events_that_cannot_be_told_are_dropped_and_write_nothing(string name, string data)
    {
        var before = await _app.WithDbAsync(db => db.Notifications.CountAsync());
        using var client = _app.CreateClient();
        using var envelope = CloudEvents.Envelope(Guid.NewGuid().ToString(), JsonDocument.Parse(data).RootElement, topic: "report.exported");

        (await client.DeliverAsync(Route, envelope)).Should().Be("DROP", name);
        (await _app.WithDbAsync(db => db.Notifications.CountAsync())).Should().Be(before, name);
    }

    public static TheoryData<DateTimeOffset, DateTimeOffset, string> Periods() => new()
    {
        // [from, to) → as the owner reads it
        { From, From.AddDays(30), "7 Nov 2026 – 6 Dec 2026" },
        { From, From.AddDays(1), "7 Nov 2026" },
        { From.AddHours(13), From.AddDays(7).AddHours(13), "7 Nov 2026 13:00 – 14 Nov 2026 13:00 UTC" },
        { new(2026, 11, 7, 2, 0, 0, TimeSpan.FromHours(2)), new(2026, 11, 8, 2, 0, 0, TimeSpan.FromHours(2)), "7 Nov 2026" },
    };

    [Theory]
    [MemberData(nameof(Periods))]
    public void The_period_is_told_in_UTC_days_when_it_is_whole_days_else_with_its_hours(DateTimeOffset from, DateTimeOffset to, string told) =>
        ReportMessages.Period(from, to).Should().Be(told);

    [Theory]
    [InlineData(512L, " (512 bytes).")]
    [InlineData(1_536L, " (1.5 KB).")]
    [InlineData(3_460_300L, " (3.3 MB).")]
    public void The_size_of_a_ready_file_is_told_in_readable_units(long size, string told)
    {
        var exported = new ReportExported(Guid.NewGuid(), Guid.NewGuid(), "News", "csv", From, From.AddDays(1), "completed", null, size);

        ReportMessages.Exported(exported, new Uri("https://app.example.test")).Single().Body.Should().Contain("is ready" + told);
    }

    private async Task ChooseTelegramAsync(Guid owner, string chatId)
    {
        using var api = _app.CreateClientFor(owner);
        using var put = await api.PutAsJsonAsync("/api/notifications/preferences", new { inApp = true, telegram = true, email = false, telegramChatId = chatId });
        put.EnsureSuccessStatusCode();
    }

    private Task<List<Notification>> NotificationsOfAsync(Guid userId) =>
        _app.WithDbAsync(db => db.Notifications.Where(n => n.UserId == userId).ToListAsync());
}
