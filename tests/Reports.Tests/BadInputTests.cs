using System.Globalization;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Reports.Tests;

/// <summary>Every bad request to every endpoint is problem+json with the right 4xx, never a 500, and nothing is written.</summary>
[Collection(ReportsAppCollection.Name)]
public sealed class BadInputTests(ReportsApp app)
{
    private const string Json = "application/json";
    private static readonly Guid Owner = Guid.Parse("5a1c1b3e-0000-4000-8000-00000000abcd");
    private static readonly string Unknown = Guid.NewGuid().ToString();

    // {from}/{to}: a valid hour-aligned day before now; {far}: a year ahead; {exp}: a week ahead; {tooFar}: 91 days ahead; {past}: yesterday.
    public static TheoryData<string, string, string?, string?, int, string?> Cases() => new()
    {
        { "export json null", "POST /api/reports/exports", Json, "null", 400, "body" },
        { "export malformed json", "POST /api/reports/exports", Json, """{"channelId":""", 400, null },
        { "export wrong content type", "POST /api/reports/exports", "text/plain", "{}", 415, null },
        { "export without channel", "POST /api/reports/exports", Json, """{"from":"{from}","to":"{to}","format":"csv"}""", 400, "channelId" },
        { "export empty channel", "POST /api/reports/exports", Json, $$"""{"channelId":"{{Guid.Empty}}","from":"{from}","to":"{to}","format":"csv"}""", 400, "channelId" },
        { "export channel not a guid", "POST /api/reports/exports", Json, """{"channelId":"c-1","from":"{from}","to":"{to}","format":"csv"}""", 400, null },
        { "export without from", "POST /api/reports/exports", Json, $$"""{"channelId":"{{Unknown}}","to":"{to}","format":"csv"}""", 400, "from" },
        { "export without to", "POST /api/reports/exports", Json, $$"""{"channelId":"{{Unknown}}","from":"{from}","format":"csv"}""", 400, "to" },
        { "export from not a date", "POST /api/reports/exports", Json, $$"""{"channelId":"{{Unknown}}","from":"yesterday","to":"{to}","format":"csv"}""", 400, null },
        { "export to before from", "POST /api/reports/exports", Json, $$"""{"channelId":"{{Unknown}}","from":"{to}","to":"{from}","format":"csv"}""", 400, "to" },
        { "export in the future", "POST /api/reports/exports", Json, $$"""{"channelId":"{{Unknown}}","from":"{to}","to":"{far}","format":"csv"}""", 400, "to" },
        { "export over 92 days", "POST /api/reports/exports", Json, $$"""{"channelId":"{{Unknown}}","from":"{longAgo}","to":"{to}","format":"csv"}""", 400, "to" },
        { "export not on the hour", "POST /api/reports/exports", Json, $$"""{"channelId":"{{Unknown}}","from":"{fromOff}","to":"{to}","format":"csv"}""", 400, "from" },
        { "export without format", "POST /api/reports/exports", Json, $$"""{"channelId":"{{Unknown}}","from":"{from}","to":"{to}"}""", 400, "format" },
        { "export unknown format", "POST /api/reports/exports", Json, $$"""{"channelId":"{{Unknown}}","from":"{from}","to":"{to}","format":"xlsx"}""", 400, "format" },
        { "list channel not a guid", "GET /api/reports/exports?channelId=c-1", null, null, 400, "channelId" },
        { "list page 0", "GET /api/reports/exports?page=0", null, null, 400, "page" },
        { "list page size too big", "GET /api/reports/exports?pageSize=101", null, null, 400, "pageSize" },
        { "get export not a guid", "GET /api/reports/exports/e-1", null, null, 404, null },
        { "get export unknown", $"GET /api/reports/exports/{Unknown}", null, null, 404, null },
        { "file unknown", $"GET /api/reports/exports/{Unknown}/file", null, null, 404, null },
        { "file of a running export", "GET /api/reports/exports/{queued}/file", null, null, 409, null },
        { "share export json null", "POST /api/reports/exports/{queued}/shares", Json, "null", 400, "body" },
        { "share export wrong content type", "POST /api/reports/exports/{queued}/shares", "text/plain", "{}", 415, null },
        { "share export without expiry", "POST /api/reports/exports/{queued}/shares", Json, "{}", 400, "expiresAt" },
        { "share export expiry past", "POST /api/reports/exports/{queued}/shares", Json, """{"expiresAt":"{past}"}""", 400, "expiresAt" },
        { "share export expiry too far", "POST /api/reports/exports/{queued}/shares", Json, """{"expiresAt":"{tooFar}"}""", 400, "expiresAt" },
        { "share export password short", "POST /api/reports/exports/{queued}/shares", Json, """{"expiresAt":"{exp}","password":"short"}""", 400, "password" },
        { "share export password long", "POST /api/reports/exports/{queued}/shares", Json, $$"""{"expiresAt":"{exp}","password":"{{new string('p', 129)}}"}""", 400, "password" },
        { "share export unknown", $"POST /api/reports/exports/{Unknown}/shares", Json, """{"expiresAt":"{exp}"}""", 404, null },
        { "share export not completed", "POST /api/reports/exports/{queued}/shares", Json, """{"expiresAt":"{exp}"}""", 409, null },
        { "dashboard json null", "POST /api/reports/shares", Json, "null", 400, "body" },
        { "dashboard wrong content type", "POST /api/reports/shares", "text/plain", "{}", 415, null },
        { "dashboard without channel", "POST /api/reports/shares", Json, """{"kind":"dashboard","expiresAt":"{exp}"}""", 400, "channelId" },
        { "dashboard wrong kind", "POST /api/reports/shares", Json, $$"""{"channelId":"{{Unknown}}","kind":"export","expiresAt":"{exp}"}""", 400, "kind" },
        { "dashboard without kind", "POST /api/reports/shares", Json, $$"""{"channelId":"{{Unknown}}","expiresAt":"{exp}"}""", 400, "kind" },
        { "dashboard expiry past", "POST /api/reports/shares", Json, $$"""{"channelId":"{{Unknown}}","kind":"dashboard","expiresAt":"{past}"}""", 400, "expiresAt" },
        { "dashboard password short", "POST /api/reports/shares", Json, $$"""{"channelId":"{{Unknown}}","kind":"dashboard","expiresAt":"{exp}","password":"1234567"}""", 400, "password" },
        { "dashboard unknown channel", "POST /api/reports/shares", Json, $$"""{"channelId":"{{Unknown}}","kind":"dashboard","expiresAt":"{exp}"}""", 404, null },
        { "shares page 0", "GET /api/reports/shares?page=0", null, null, 400, "page" },
        { "shares page size text", "GET /api/reports/shares?pageSize=many", null, null, 400, "pageSize" },
        { "revoke not a guid", "DELETE /api/reports/shares/s-1", null, null, 404, null },
        { "revoke unknown", $"DELETE /api/reports/shares/{Unknown}", null, null, 404, null },
        { "shared token short", "GET /api/shared/abc", null, null, 404, null },
        { "shared token unknown", $"GET /api/shared/{new string('A', 43)}", null, null, 404, null },
        { "shared token bad characters", $"GET /api/shared/{new string('!', 43)}", null, null, 404, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_requests(string name, string route, string? contentType, string? body, int status, string? field)
    {
        var queued = await QueuedExportAsync();
        var now = app.Clock.GetUtcNow();
        var to = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        string Fill(string s) => s
            .Replace("{queued}", queued.ToString(), StringComparison.Ordinal)
            .Replace("{fromOff}", Iso(to.AddDays(-1).AddMinutes(15)), StringComparison.Ordinal)
            .Replace("{from}", Iso(to.AddDays(-1)), StringComparison.Ordinal)
            .Replace("{to}", Iso(to), StringComparison.Ordinal)
            .Replace("{far}", Iso(to.AddYears(1)), StringComparison.Ordinal)
            .Replace("{longAgo}", Iso(to.AddDays(-93)), StringComparison.Ordinal)
            .Replace("{exp}", Iso(now.AddDays(7)), StringComparison.Ordinal)
            .Replace("{tooFar}", Iso(now.AddDays(91)), StringComparison.Ordinal)
            .Replace("{past}", Iso(now.AddDays(-1)), StringComparison.Ordinal);
        var parts = route.Split(' ', 2);
        var before = await CountsAsync();

        using var client = parts[1].StartsWith("/api/shared/", StringComparison.Ordinal) ? app.Anonymous() : app.Owner(Owner);
        await client.ShouldRejectAsync(new HttpMethod(parts[0]), Fill(parts[1]), contentType, body is null ? null : Fill(body), status, field, name);

        (await CountsAsync()).Should().Be(before, "{0}: nothing is written", name);
    }

    [Fact]
    public async Task Every_owner_route_needs_a_token()
    {
        using var anonymous = app.Anonymous();
        foreach (var (method, path) in new[]
        {
            ("POST", "/api/reports/exports"), ("GET", "/api/reports/exports"), ("GET", $"/api/reports/exports/{Unknown}"),
            ("GET", $"/api/reports/exports/{Unknown}/file"), ("POST", $"/api/reports/exports/{Unknown}/shares"),
            ("POST", "/api/reports/shares"), ("GET", "/api/reports/shares"), ("DELETE", $"/api/reports/shares/{Unknown}"),
        })
        {
            using var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            ((int)response.StatusCode).Should().Be(401, $"{method} {path}");
        }
    }

    private static string Iso(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);

    private Task<(int Exports, int Shares, int Files)> CountsAsync() =>
        app.WithDbAsync(async db => (await db.Exports.CountAsync(), await db.ShareLinks.CountAsync(), await db.ExportFiles.CountAsync()));

    /// <summary>An export of <see cref="Owner"/> that stays queued (written straight to the table: no workflow runs for it).</summary>
    private async Task<Guid> QueuedExportAsync()
    {
        var existing = await app.WithDbAsync(db => db.Exports.Where(e => e.OwnerId == Owner).Select(e => (Guid?)e.Id).FirstOrDefaultAsync());
        if (existing is { } id) { return id; }
        var now = app.Clock.GetUtcNow();
        var to = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        var export = Domain.ReportExport.Queue(Guid.NewGuid(), Owner, "Bad Input", Guid.NewGuid(), new Domain.ReportPeriod(to.AddHours(-1), to), Domain.ExportFormat.Csv, now);
        return await app.WithDbAsync(async db =>
        {
            db.Exports.Add(export);
            await db.SaveChangesAsync();
            return export.Id;
        });
    }
}
