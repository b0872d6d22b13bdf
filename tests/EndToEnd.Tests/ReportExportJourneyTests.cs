using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.DevHost;
using DaprPlatform.TestSupport;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>
/// Issue 18's report journey through the gateway: an owner registers a channel, posts 30 days of hourly samples (back-dated),
/// exports them as a PDF, follows its progress to the end, is told it is ready (a notification), downloads it (page 1 renders
/// non-blank), shares it, and the link is used anonymously, expires, and once revoked is gone. A second export survives the
/// reports app being killed right after it was accepted.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ReportExportJourneyTests(PlatformFixture platform)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Owner_exports_30_days_as_pdf_follows_progress_downloads_and_shares_a_link_that_is_used_expires_and_is_revoked()
    {
        var (token, channelId, from, to) = await ChannelWith30DaysAsync("rep_journey");

        using var started = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, "/api/reports/exports", token, new { channelId, from, to, format = "pdf" });
        started.StatusCode.Should().Be(HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        var exportId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        started.Headers.Location!.ToString().Should().Be($"/api/reports/exports/{exportId}");

        var seen = new List<string>();
        var done = await Eventually.UntilAsync("the export to end", async _ =>
        {
            using var read = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, $"/api/reports/exports/{exportId}", token);
            var body = await read.Content.ReadFromJsonAsync<JsonElement>();
            seen.Add($"{body.GetProperty("status")}/{body.GetProperty("percent")}/{body.GetProperty("step")}");
            return body;
        }, e => e.GetProperty("status").GetString() is "completed" or "failed", Patience, e => e.ToString(), interval: TimeSpan.FromMilliseconds(100));
        done.GetProperty("status").GetString().Should().Be("completed", string.Join(", ", seen));
        done.GetProperty("percent").GetInt32().Should().Be(100);

        // An owner who left the page is told all the same: reports announces the ended export, notifications lists the notice.
        var notice = await new Marketplace(platform).WaitForNotificationAsync(token, "report-ready");
        notice.GetProperty("title").GetString().Should().Be("PDF export ready: Report Journey");
        notice.GetProperty("body").GetString().Should().StartWith("Your PDF export of Report Journey for ").And.Contain(" is ready (")
            .And.EndWith($"/reports/exports/{exportId}", "it links to the export's page of the web app");

        using var file = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, $"/api/reports/exports/{exportId}/file", token);
        file.StatusCode.Should().Be(HttpStatusCode.OK);
        file.Content.Headers.ContentType!.MediaType.Should().Be("application/pdf");
        var pdf = await file.Content.ReadAsByteArrayAsync();
        PdfFiles.NonWhitePixels(await PdfFiles.RenderFirstPageAsync(pdf)).Should().BeGreaterThan(2000);
        var text = await PdfFiles.TextAsync(pdf);
        text.Should().Contain("Journey User").And.Contain("Report Journey").And.Contain("Page 1 of");

        // A link that expires in a few seconds: used anonymously (the PDF says where it came from), then gone (410).
        var shortLived = await ShareAsync(token, exportId, DateTimeOffset.UtcNow.AddSeconds(6));
        using var visitor = new HttpClient { BaseAddress = platform.Gateway.BaseAddress };
        using (var shared = await visitor.GetAsync(PathOf(shortLived)))
        {
            shared.StatusCode.Should().Be(HttpStatusCode.OK, await shared.Content.ReadAsStringAsync());
            (await PdfFiles.TextAsync(await shared.Content.ReadAsByteArrayAsync())).Should().Contain($"Shared via {shortLived.GetProperty("url").GetString()}");
        }

        // Waited out rather than polled: every served visit counts a view.
        var expiresAt = shortLived.GetProperty("expiresAt").GetDateTimeOffset();
        var wait = expiresAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
        if (wait > TimeSpan.Zero) { await Task.Delay(wait); }
        (await visitor.GetAsync(PathOf(shortLived))).StatusCode.Should().Be(HttpStatusCode.Gone);

        // A week-long link, revoked: 404 to its visitors from then on.
        var revoked = await ShareAsync(token, exportId, DateTimeOffset.UtcNow.AddDays(7));
        (await visitor.GetAsync(PathOf(revoked))).StatusCode.Should().Be(HttpStatusCode.OK);
        using (var revoke = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Delete, $"/api/reports/shares/{revoked.GetProperty("id").GetGuid()}", token))
        {
            revoke.StatusCode.Should().Be(HttpStatusCode.NoContent);
        }

        (await visitor.GetAsync(PathOf(revoked))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        using var listed = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, "/api/reports/shares", token);
        var links = (await listed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().ToList();
        links.Single(l => l.GetProperty("id").GetGuid() == shortLived.GetProperty("id").GetGuid()).GetProperty("expired").GetBoolean().Should().BeTrue();
        links.Single(l => l.GetProperty("id").GetGuid() == revoked.GetProperty("id").GetGuid()).GetProperty("revoked").GetBoolean().Should().BeTrue();
        links.Sum(l => l.GetProperty("viewCount").GetInt64()).Should().Be(2, "each served visit counted once");
    }

    [Fact]
    public async Task An_export_accepted_just_before_the_reports_app_is_killed_completes_once_it_is_back()
    {
        var (token, channelId, from, to) = await ChannelWith30DaysAsync("rep_crash");
        try
        {
            using var started = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, "/api/reports/exports", token, new { channelId, from, to, format = "csv" });
            started.StatusCode.Should().Be(HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
            var exportId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            await platform.Host.StopAppAsync("reports", AppStopMode.Kill);
            await platform.Host.StartAppAsync("reports");

            var done = await Eventually.UntilAsync("the export to end after the restart", async _ =>
            {
                using var read = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, $"/api/reports/exports/{exportId}", token);
                return read.StatusCode == HttpStatusCode.OK ? await read.Content.ReadFromJsonAsync<JsonElement>() : default;
            }, e => e.ValueKind == JsonValueKind.Object && e.GetProperty("status").GetString() is "completed" or "failed", Patience, e => e.ToString());
            done.GetProperty("status").GetString().Should().Be("completed", done.ToString());

            using var file = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, $"/api/reports/exports/{exportId}/file", token);
            var lines = (await file.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            lines.Should().HaveCount(1 + (30 * 24), "a header and one row per hour, each once however often a step ran");
            lines.Skip(1).Select(l => long.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).Sum().Should().Be(30 * 24 * 10, "every hour's 10 views");
        }
        finally
        {
            if (platform.Host.Apps.Single(a => a.AppId == "reports").State != AppState.Running) { await platform.Host.StartAppAsync("reports"); }
        }
    }

    /// <summary>A new owner's channel with one views sample (10) per hour and a subscriber reading per day for the last 30 days,
    /// hourly rollups written; returns the owner's token and the 30-day period [from, to) ending at the current hour's end.</summary>
    private async Task<(string Token, Guid ChannelId, DateTimeOffset From, DateTimeOffset To)> ChannelWith30DaysAsync(string prefix)
    {
        var (_, token) = await platform.RegisterAndLogInAsync("channel-owner");
        var username = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(32, prefix.Length + 13)];
        using (var chat = await platform.TelegramStandIn.PostAsJsonAsync("/standin/chats", new { username, title = "Report Journey", memberCount = 1000 }))
        {
            chat.StatusCode.Should().Be(HttpStatusCode.Created);
        }

        using var registered = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, "/api/channels", token, new { telegram = "@" + username });
        registered.StatusCode.Should().Be(HttpStatusCode.Created, await registered.Content.ReadAsStringAsync());
        var channelId = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var now = DateTimeOffset.UtcNow;
        var to = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(1);
        var from = to.AddDays(-30);
        var samples = Enumerable.Range(0, 30 * 24).SelectMany(h =>
        {
            var at = from.AddHours(h).AddMinutes(1);
            // The current hour's sample must not lie in the future.
            if (at > now) { at = now.AddSeconds(-1); }
            var views = new { id = $"v{h}", kind = "views", value = 10L, at };
            return h % 24 == 0 ? new object[] { views, new { id = $"s{h}", kind = "subscribers", value = 1000L + (h / 24), at } } : [views];
        }).ToList();
        foreach (var batch in samples.Chunk(250))
        {
            using var posted = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, $"/api/channels/{channelId}/metrics", token, new { samples = batch });
            posted.StatusCode.Should().Be(HttpStatusCode.Accepted, await posted.Content.ReadAsStringAsync());
        }

        // Exports read analytics' hourly rollups, written when its actor flushes: wait until every hour is there.
        await Eventually.UntilAsync("analytics' hourly rollups of every hour", _ =>
            platform.CountRowsAsync("analytics", $"hourly_rollups WHERE channel_id = '{channelId}' AND kind = 'views'"),
            count => count == 30 * 24, Patience, c => c.ToString(CultureInfo.InvariantCulture), interval: TimeSpan.FromMilliseconds(500));
        return (token, channelId, from, to);
    }

    private async Task<JsonElement> ShareAsync(string token, Guid exportId, DateTimeOffset expiresAt)
    {
        using var created = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, $"/api/reports/exports/{exportId}/shares", token, new { expiresAt });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return await created.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string PathOf(JsonElement share) => new Uri(share.GetProperty("url").GetString()!).PathAndQuery;
}
