using DaprPlatform.TestSupport;

namespace DaprPlatform.Payments.Tests;

/// <summary>Every bad request to a payout route is problem+json with the right 4xx, never a 500, and nothing is written.</summary>
public sealed class PayoutBadInputTests(PayoutsFixture fx) : IClassFixture<PayoutsFixture>
{
    private const string Json = "application/json";

    public static TheoryData<string, string?, string?, int, string?> ConnectCases() => new()
    {
        // name, content type, body, expected status, expected field error
        { "json null", Json, "null", 400, "returnUrl" },
        { "empty object", Json, "{}", 400, "returnUrl" },
        { "refresh url missing", Json, """{"returnUrl":"https://web.example/done"}""", 400, "refreshUrl" },
        { "return url relative", Json, """{"returnUrl":"/done","refreshUrl":"https://web.example/r"}""", 400, "returnUrl" },
        { "return url not http", Json, """{"returnUrl":"ftp://web.example/done","refreshUrl":"https://web.example/r"}""", 400, "returnUrl" },
        { "refresh url blank", Json, """{"returnUrl":"https://web.example/done","refreshUrl":"  "}""", 400, "refreshUrl" },
        { "return url too long", Json, $$$"""{"returnUrl":"https://web.example/{{{new string('d', 2000)}}}","refreshUrl":"https://web.example/r"}""", 400, "returnUrl" },
        { "url not text", Json, """{"returnUrl":5,"refreshUrl":"https://web.example/r"}""", 400, null },
        { "malformed json", Json, """{"returnUrl":""", 400, null },
        { "json array", Json, "[]", 400, null },
        { "wrong content type", "text/plain", """{"returnUrl":"https://web.example/done","refreshUrl":"https://web.example/r"}""", 415, null },
    };

    [Theory]
    [MemberData(nameof(ConnectCases))]
    public async Task Bad_connect_requests(string name, string? contentType, string? body, int status, string? field)
    {
        var before = await fx.CountsAsync();
        using var tutor = fx.Tutor(Guid.NewGuid());

        await tutor.ShouldRejectAsync(HttpMethod.Post, "/api/payouts/account", contentType, body, status, field, name);

        (await fx.CountsAsync()).Should().Be(before, name);
    }

    private static string Open(string? tutor = "\"0b5a4e0c-2f7d-4d6c-8b1e-3c2d1f0e9a8b\"", string? start = "\"2026-11-30T00:00:00Z\"", string? end = "\"2026-12-07T00:00:00Z\"")
    {
        var fields = new List<string>();
        if (tutor is not null) { fields.Add($"\"tutorId\":{tutor}"); }
        if (start is not null) { fields.Add($"\"periodStart\":{start}"); }
        if (end is not null) { fields.Add($"\"periodEnd\":{end}"); }
        return "{" + string.Join(",", fields) + "}";
    }

    public static TheoryData<string, string?, string?, int, string?> OpenCases() => new()
    {
        { "json null", Json, "null", 400, "tutorId" },
        { "empty object", Json, "{}", 400, "tutorId" },
        { "tutor missing", Json, Open(tutor: null), 400, "tutorId" },
        { "tutor empty guid", Json, Open(tutor: "\"00000000-0000-0000-0000-000000000000\""), 400, "tutorId" },
        { "tutor not a guid", Json, Open(tutor: "\"t-1\""), 400, null },
        { "start missing", Json, Open(start: null), 400, "periodStart" },
        { "end missing", Json, Open(end: null), 400, "periodEnd" },
        { "end before start", Json, Open(end: "\"2026-11-29T00:00:00Z\""), 400, "periodEnd" },
        { "empty period", Json, Open(end: "\"2026-11-30T00:00:00Z\""), 400, "periodEnd" },
        { "not utc", Json, Open(end: "\"2026-12-07T00:00:00+01:00\""), 400, "periodEnd" },
        { "start not a date", Json, Open(start: "\"monday\""), 400, null },
        { "malformed json", Json, "{\"tutorId\":", 400, null },
        { "wrong content type", "text/plain", Open(), 415, null },
    };

    [Theory]
    [MemberData(nameof(OpenCases))]
    public async Task Bad_open_requests(string name, string? contentType, string? body, int status, string? field)
    {
        var before = await fx.CountsAsync();
        using var app = fx.App();

        await app.ShouldRejectAsync(HttpMethod.Post, "/internal/payouts", contentType, body, status, field, name);

        (await fx.CountsAsync()).Should().Be(before, name);
    }

    [Fact]
    public async Task Transferring_an_unknown_payout_is_404_with_nothing_written()
    {
        var before = await fx.CountsAsync();
        using var app = fx.App();

        await app.ShouldRejectAsync(HttpMethod.Post, $"/internal/payouts/{Guid.NewGuid()}/transfer", null, null, 404, null, "unknown payout");

        (await fx.CountsAsync()).Should().Be(before);
    }

    public static TheoryData<string, string, string?> ListCases() => new()
    {
        { "page zero", "?page=0", "page" },
        { "page not a number", "?page=first", "page" },
        { "page size zero", "?pageSize=0", "pageSize" },
        { "page size over the maximum", "?pageSize=101", "pageSize" },
        { "page size negative", "?pageSize=-1", "pageSize" },
    };

    [Theory]
    [MemberData(nameof(ListCases))]
    public async Task Bad_history_requests(string name, string query, string? field)
    {
        using var tutor = fx.Tutor(Guid.NewGuid());

        await tutor.ShouldRejectAsync(HttpMethod.Get, "/api/payouts" + query, null, null, 400, field, name);
    }

    public static TheoryData<string, string> DueCases() => new()
    {
        { "before missing", "" },
        { "before not a date", "?before=soon" },
        { "before not utc", "?before=2026-12-07T00:00:00%2B01:00" },
    };

    [Theory]
    [MemberData(nameof(DueCases))]
    public async Task Bad_due_requests(string name, string query)
    {
        using var app = fx.App();

        await app.ShouldRejectAsync(HttpMethod.Get, "/internal/payouts/due" + query, null, null, 400, null, name);
    }
}
