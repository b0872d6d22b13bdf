using System.Net;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Reports.Tests;

/// <summary>The reports app with a file bound of <see cref="MaxFileBytes"/> bytes: a rendering over it is refused, not kept.</summary>
public sealed class SmallFilesReportsApp() : ReportsApp(new Dictionary<string, string> { ["Reports:MaxFileBytes"] = MaxFileBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) })
{
    /// <summary>Enough for a day of hours as CSV (about 1.2 kB), far too little for any PDF with charts.</summary>
    public const int MaxFileBytes = 20_000;
}

public sealed class FileBoundTests(SmallFilesReportsApp app) : IClassFixture<SmallFilesReportsApp>
{
    [Fact]
    public async Task A_file_over_the_bound_fails_the_export_with_its_size_and_keeps_nothing_while_a_small_one_is_kept()
    {
        var ownerId = Guid.NewGuid();
        var channelId = app.AddChannel(ownerId, ReportsApp.SteadyHour);
        var (from, to) = app.LastDays(1);
        using var owner = app.Owner(ownerId);

        var pdf = await ReportsApp.StartExportAsync(owner, channelId, from, to, "pdf");
        var csv = await ReportsApp.StartExportAsync(owner, channelId, from, to, "csv");
        var failed = await ReportsApp.EndedAsync(owner, pdf);
        var kept = await ReportsApp.EndedAsync(owner, csv);

        failed.GetProperty("status").GetString().Should().Be("failed");
        failed.GetProperty("failureReason").GetString().Should().MatchRegex(@"^The PDF file would be [\d,]+ bytes, over the 20,000 bytes one export may keep; export a shorter period\.$");
        (await owner.GetAsync($"/api/reports/exports/{pdf}/file")).StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await app.WithDbAsync(db => db.ExportFiles.CountAsync(f => f.ExportId == pdf))).Should().Be(0);
        kept.GetProperty("status").GetString().Should().Be("completed");
        kept.GetProperty("sizeBytes").GetInt64().Should().BeLessThan(SmallFilesReportsApp.MaxFileBytes);
    }
}
