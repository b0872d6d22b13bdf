using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DaprPlatform.Reports.Domain;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Reports.Tests;

/// <summary>Exports end to end inside the service: the workflow on DevHost, analytics behind its sidecar, the files they make.</summary>
[Collection(ReportsAppCollection.Name)]
public sealed class ExportTests(ReportsApp app)
{
    [Fact]
    public async Task A_csv_export_has_one_exact_row_per_hour_of_the_period_zeros_where_analytics_has_none()
    {
        var ownerId = Guid.NewGuid();
        var (_, to) = app.LastDays(1);
        var from = to.AddHours(-3);
        // Hour 0 and hour 2 have data (hour 2 without a subscriber count); hour 1 has no row at all.
        var channelId = app.AddChannel(ownerId, hour =>
            hour == from ? new { hour, views = 10, reactions = 1, forwards = 2, posts = 1, joins = 3, leaves = 0, subscribers = 500 }
            : hour == from.AddHours(2) ? new { hour, views = 7, reactions = 0, forwards = 0, posts = 0, joins = 0, leaves = 1, subscribers = (long?)null }
            : null);
        using var owner = app.Owner(ownerId);

        var id = await ReportsApp.StartExportAsync(owner, channelId, from, to, "csv");
        var done = await ReportsApp.EndedAsync(owner, id);

        done.GetProperty("status").GetString().Should().Be("completed", done.ToString());
        done.GetProperty("percent").GetInt32().Should().Be(100);
        done.GetProperty("channelTitle").GetString().Should().Be("Morning News");
        using var file = await owner.GetAsync($"/api/reports/exports/{id}/file");
        file.StatusCode.Should().Be(HttpStatusCode.OK);
        file.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        file.Content.Headers.ContentDisposition!.FileName.Should().Contain($"channel-{channelId:N}").And.EndWith(".csv");
        string Hour(DateTimeOffset h) => h.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        (await file.Content.ReadAsStringAsync()).Should().Be(
            "hour,views,reactions,forwards,posts,joins,leaves,subscribers\r\n" +
            $"{Hour(from)},10,1,2,1,3,0,500\r\n" +
            $"{Hour(from.AddHours(1))},0,0,0,0,0,0,\r\n" +
            $"{Hour(from.AddHours(2))},7,0,0,0,0,1,\r\n");
        done.GetProperty("sizeBytes").GetInt64().Should().Be(file.Content.Headers.ContentLength!.Value);
        app.HourlyCalls.Where(c => c.Channel == channelId).Should().OnlyContain(c => c.Caller == "reports", "analytics sees reports' sidecar as the caller");
        (await app.WithDbAsync(db => db.GatheredHours.CountAsync(h => h.ExportId == id))).Should().Be(0, "what was gathered is dropped once the file is stored");
    }

    [Fact]
    public async Task A_30_day_pdf_export_shows_its_progress_moving_and_renders_a_non_blank_first_page_with_the_owners_name()
    {
        var ownerId = Guid.NewGuid();
        var channelId = app.AddChannel(ownerId, ReportsApp.SteadyHour, "Evening Digest");
        var (from, to) = app.LastDays(30);
        using var owner = app.Owner(ownerId, "Olga Owner-Pdf");
        app.HourlyDelay = TimeSpan.FromMilliseconds(250);
        try
        {
            var id = await ReportsApp.StartExportAsync(owner, channelId, from, to, "pdf");
            var seen = new List<(string Status, int? Percent, string? Step)>();
            await Eventually.UntilAsync("the export to complete", async _ =>
            {
                var e = await owner.GetFromJsonAsync<JsonElement>($"/api/reports/exports/{id}");
                seen.Add((e.GetProperty("status").GetString()!, e.GetProperty("percent").ValueKind == JsonValueKind.Number ? e.GetProperty("percent").GetInt32() : null,
                    e.GetProperty("step").GetString()));
                return e;
            }, e => e.GetProperty("status").GetString() is "completed" or "failed", TimeSpan.FromSeconds(90), e => e.ToString());

            seen[^1].Status.Should().Be("completed", string.Join("; ", seen));
            var runningPercents = seen.Where(s => s.Status == "running" && s.Step == "gather").Select(s => s.Percent).OfType<int>().Distinct().ToList();
            runningPercents.Where(p => p > 0).Should().HaveCountGreaterThanOrEqualTo(2, "progress is read from the workflow's custom status while it gathers: {0}", string.Join("; ", seen));
            runningPercents.Should().BeInAscendingOrder().And.OnlyContain(p => p >= 0 && p < 100);

            using var file = await owner.GetAsync($"/api/reports/exports/{id}/file");
            file.Content.Headers.ContentType!.MediaType.Should().Be("application/pdf");
            var pdf = await file.Content.ReadAsByteArrayAsync();
            Encoding.ASCII.GetString(pdf, 0, 5).Should().Be("%PDF-");
            PdfFiles.NonWhitePixels(await PdfFiles.RenderFirstPageAsync(pdf)).Should().BeGreaterThan(2000, "page 1 carries text, a table and a chart");
            var text = await PdfFiles.TextAsync(pdf);
            text.Should().Contain("Olga Owner-Pdf").And.Contain("Evening Digest").And.Contain("Page 1 of");
        }
        finally
        {
            app.HourlyDelay = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task An_export_over_the_row_bound_fails_with_the_reason_and_does_not_count_against_the_quota()
    {
        var ownerId = Guid.NewGuid();
        var channelId = app.AddChannel(ownerId, ReportsApp.SteadyHour);
        var (from, to) = app.LastDays(60);
        using var owner = app.Owner(ownerId);

        var id = await ReportsApp.StartExportAsync(owner, channelId, from, to, "csv");
        var done = await ReportsApp.EndedAsync(owner, id);

        done.GetProperty("status").GetString().Should().Be("failed");
        done.GetProperty("step").GetString().Should().Be("failed");
        done.GetProperty("failureReason").GetString().Should().Contain($"more than {ReportsApp.MaxRows} hourly rows");
        using var file = await owner.GetAsync($"/api/reports/exports/{id}/file");
        file.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await app.WithDbAsync(db => db.ExportFiles.CountAsync(f => f.ExportId == id))).Should().Be(0);
        (await app.WithDbAsync(db => db.GatheredHours.CountAsync(h => h.ExportId == id))).Should().Be(0);

        // The free plan's 3 exports are all still there.
        for (var i = 0; i < 3; i++)
        {
            await ReportsApp.StartExportAsync(owner, channelId, to.AddHours(-1), to, "csv");
        }
    }

    [Fact]
    public async Task An_export_of_a_channel_analytics_does_not_know_as_the_owners_fails_with_the_reason()
    {
        var ownerId = Guid.NewGuid();
        var othersChannel = app.AddChannel(Guid.NewGuid(), ReportsApp.SteadyHour);
        var (from, to) = app.LastDays(1);
        using var owner = app.Owner(ownerId);

        var id = await ReportsApp.StartExportAsync(owner, othersChannel, from, to, "pdf");
        var done = await ReportsApp.EndedAsync(owner, id);

        done.GetProperty("status").GetString().Should().Be("failed");
        done.GetProperty("failureReason").GetString().Should().Contain("no longer known to analytics as yours");
    }

    [Fact]
    public async Task The_monthly_quota_refuses_with_the_plan_limit_problem_and_the_next_month_allows_again()
    {
        var ownerId = Guid.NewGuid();
        var channelId = app.AddChannel(ownerId, ReportsApp.SteadyHour);
        using var owner = app.Owner(ownerId);
        (await app.DeliverPlanAsync(ownerId, "starter", exportsPerMonth: 2, liftedBy: "pro", version: 2)).Should().Be("SUCCESS");
        // An older version arriving late changes nothing.
        (await app.DeliverPlanAsync(ownerId, "free", exportsPerMonth: 0, liftedBy: "pro", version: 1)).Should().Be("SUCCESS");

        var (_, to) = app.LastDays(1);
        for (var i = 0; i < 2; i++)
        {
            await ReportsApp.StartExportAsync(owner, channelId, to.AddHours(-1), to, "csv");
        }

        using var refused = await owner.PostAsJsonAsync("/api/reports/exports", new { channelId, from = to.AddHours(-1), to, format = "csv" });
        refused.StatusCode.Should().Be(HttpStatusCode.PaymentRequired);
        var problem = await refused.ReadProblemAsync();
        problem.GetProperty("type").GetString().Should().Be("https://daprplatform.dev/problems/plan-limit");
        problem.GetProperty("title").GetString().Should().Be("Your plan's limit is reached.");
        problem.GetProperty("status").GetInt32().Should().Be(402);
        problem.GetProperty("detail").GetString().Should().Be("The starter plan allows 2 exports a month.");
        problem.GetProperty("limit").GetString().Should().Be("exportsPerMonth");
        problem.GetProperty("plan").GetString().Should().Be("starter");
        problem.GetProperty("allowed").GetInt32().Should().Be(2);
        problem.GetProperty("liftedBy").GetString().Should().Be("pro");

        // Two exports within the same (UTC) month as now; on the first of next month the count starts again.
        var now = app.Clock.GetUtcNow();
        var (_, nextMonth) = ExportQuota.MonthOf(now);
        app.Clock.Advance(nextMonth - now + TimeSpan.FromMinutes(1));
        var (_, later) = app.LastDays(1);
        await ReportsApp.StartExportAsync(owner, channelId, later.AddHours(-1), later, "csv");
    }

    [Fact]
    public async Task The_non_blank_check_counts_nothing_on_an_empty_page()
    {
        using var document = new PdfSharp.Pdf.PdfDocument();
        document.AddPage();
        using var stream = new MemoryStream();
        document.Save(stream, closeStream: false);

        PdfFiles.NonWhitePixels(await PdfFiles.RenderFirstPageAsync(stream.ToArray())).Should().Be(0);
    }
}
