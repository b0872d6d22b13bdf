using System.Globalization;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Tutoring.Tests.Api;

/// <summary>Every bad request is problem+json with the right 4xx, never a 500, and nothing is written.</summary>
public sealed class BadInputTests(TutoringFixture fx) : IClassFixture<TutoringFixture>, IAsyncLifetime
{
    private const string Json = "application/json";
    private const string Valid = """{"bio":"b","subjects":["math"],"hourlyRate":{"amount":100,"currency":"USD"},"timezone":"UTC"}""";

    // One tutor with a profile (for PATCH/PUT and holds) and one without (for POST).
    private Guid _tutorId;

    public async Task InitializeAsync() => _tutorId = await fx.CreateTutorAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static string Profile(string replace, string with) => Valid.Replace(replace, with, StringComparison.Ordinal);

    public static TheoryData<string, string, string, string?, string?, int, string?> ProfileCases() => new()
    {
        // name, method, path, content type, body, status, field
        { "create: json null", "POST", "/api/tutors/profile", Json, "null", 400, "body" },
        { "create: malformed json", "POST", "/api/tutors/profile", Json, """{"bio":""", 400, null },
        { "create: wrong content type", "POST", "/api/tutors/profile", "text/plain", Valid, 415, null },
        { "create: oversized body", "POST", "/api/tutors/profile", Json, Profile("\"b\"", $"\"{new string('x', 1100 * 1024)}\""), 413, null },
        { "create: bio missing", "POST", "/api/tutors/profile", Json, Profile("\"bio\":\"b\",", ""), 400, "bio" },
        { "create: bio too long", "POST", "/api/tutors/profile", Json, Profile("\"b\"", $"\"{new string('x', 2001)}\""), 400, "bio" },
        { "create: display name blank", "POST", "/api/tutors/profile", Json, Profile("\"bio\"", "\"displayName\":\"  \",\"bio\""), 400, "displayName" },
        { "create: display name too long", "POST", "/api/tutors/profile", Json, Profile("\"bio\"", $"\"displayName\":\"{new string('n', 101)}\",\"bio\""), 400, "displayName" },
        { "create: no subjects", "POST", "/api/tutors/profile", Json, Profile("[\"math\"]", "[]"), 400, "subjects" },
        { "create: eleven subjects", "POST", "/api/tutors/profile", Json, Profile("[\"math\"]", "[" + string.Join(",", Enumerable.Range(0, 11).Select(i => $"\"s{i}\"")) + "]"), 400, "subjects" },
        { "create: blank subject", "POST", "/api/tutors/profile", Json, Profile("[\"math\"]", "[\"math\",\" \"]"), 400, "subjects[1]" },
        { "create: subject too long", "POST", "/api/tutors/profile", Json, Profile("[\"math\"]", $"[\"{new string('s', 41)}\"]"), 400, "subjects[0]" },
        { "create: subjects not a list", "POST", "/api/tutors/profile", Json, Profile("[\"math\"]", "\"math\""), 400, null },
        { "create: rate missing", "POST", "/api/tutors/profile", Json, Profile("\"hourlyRate\":{\"amount\":100,\"currency\":\"USD\"},", ""), 400, "hourlyRate" },
        { "create: rate zero", "POST", "/api/tutors/profile", Json, Profile("\"amount\":100", "\"amount\":0"), 400, "hourlyRate.amount" },
        { "create: rate negative", "POST", "/api/tutors/profile", Json, Profile("\"amount\":100", "\"amount\":-5"), 400, "hourlyRate.amount" },
        { "create: rate above the maximum", "POST", "/api/tutors/profile", Json, Profile("\"amount\":100", "\"amount\":25000000"), 400, "hourlyRate.amount" },
        { "create: rate as a decimal", "POST", "/api/tutors/profile", Json, Profile("\"amount\":100", "\"amount\":10.5"), 400, null },
        { "create: unknown currency", "POST", "/api/tutors/profile", Json, Profile("\"USD\"", "\"XYZ\""), 400, "hourlyRate.currency" },
        { "create: currency missing", "POST", "/api/tutors/profile", Json, Profile(",\"currency\":\"USD\"", ""), 400, "hourlyRate.currency" },
        { "create: amount missing", "POST", "/api/tutors/profile", Json, Profile("\"amount\":100,", ""), 400, "hourlyRate.amount" },
        { "create: unknown timezone", "POST", "/api/tutors/profile", Json, Profile("\"UTC\"", "\"Europe/Atlantis\""), 400, "timezone" },
        { "create: windows timezone id", "POST", "/api/tutors/profile", Json, Profile("\"UTC\"", "\"Pacific Standard Time\""), 400, "timezone" },
        { "create: timezone missing", "POST", "/api/tutors/profile", Json, Profile(",\"timezone\":\"UTC\"", ""), 400, "timezone" },
        { "create: bad availability", "POST", "/api/tutors/profile", Json, Profile("\"timezone\"", "\"availability\":{\"rules\":[{\"day\":\"monday\",\"start\":\"09:10\",\"end\":\"10:00\"}]},\"timezone\""), 400, "availability.rules[0].start" },
        { "patch: json null", "PATCH", "/api/tutors/profile", Json, "null", 400, "body" },
        { "patch: blank display name", "PATCH", "/api/tutors/profile", Json, """{"displayName":" "}""", 400, "displayName" },
        { "patch: bio too long", "PATCH", "/api/tutors/profile", Json, $$"""{"bio":"{{new string('x', 2001)}}"}""", 400, "bio" },
        { "patch: empty subjects", "PATCH", "/api/tutors/profile", Json, """{"subjects":[]}""", 400, "subjects" },
        { "patch: bad timezone", "PATCH", "/api/tutors/profile", Json, """{"timezone":"Nowhere/Town"}""", 400, "timezone" },
        { "patch: wrong content type", "PATCH", "/api/tutors/profile", "text/plain", """{"bio":"x"}""", 415, null },
        { "availability: json null", "PUT", "/api/tutors/availability", Json, "null", 400, "rules" },
        { "availability: rules missing", "PUT", "/api/tutors/availability", Json, "{}", 400, "rules" },
        { "availability: unknown day", "PUT", "/api/tutors/availability", Json, """{"rules":[{"day":"funday","start":"09:00","end":"10:00"}]}""", 400, "rules[0].day" },
        { "availability: end before start", "PUT", "/api/tutors/availability", Json, """{"rules":[{"day":"monday","start":"10:00","end":"09:00"}]}""", 400, "rules[0].end" },
        { "availability: overlap", "PUT", "/api/tutors/availability", Json, """{"rules":[{"day":"monday","start":"09:00","end":"11:00"},{"day":"monday","start":"10:00","end":"12:00"}]}""", 400, "rules[1]" },
        { "availability: off grid", "PUT", "/api/tutors/availability", Json, """{"rules":[{"day":"monday","start":"09:00","end":"10:20"}]}""", 400, "rules[0].end" },
        { "availability: time as number", "PUT", "/api/tutors/availability", Json, """{"rules":[{"day":"monday","start":900,"end":"10:00"}]}""", 400, null },
        { "availability: too many rules", "PUT", "/api/tutors/availability", Json, "{\"rules\":[" + string.Join(",", Enumerable.Range(0, 51).Select(i => $$"""{"day":"monday","start":"{{i / 4:00}}:{{i % 4 * 15:00}}","end":"{{(i + 1) / 4:00}}:{{(i + 1) % 4 * 15:00}}"}""")) + "]}", 400, "rules" },
        { "pricing: json null", "PUT", "/api/tutors/pricing", Json, "null", 400, "hourlyRate" },
        { "pricing: rate missing", "PUT", "/api/tutors/pricing", Json, "{}", 400, "hourlyRate" },
        { "pricing: zero", "PUT", "/api/tutors/pricing", Json, """{"hourlyRate":{"amount":0,"currency":"USD"}}""", 400, "hourlyRate.amount" },
        { "pricing: lower-case unknown currency", "PUT", "/api/tutors/pricing", Json, """{"hourlyRate":{"amount":100,"currency":"usdx"}}""", 400, "hourlyRate.currency" },
        { "pricing: amount as a fraction", "PUT", "/api/tutors/pricing", Json, """{"hourlyRate":{"amount":1.5,"currency":"USD"}}""", 400, null },
    };

    [Theory]
    [MemberData(nameof(ProfileCases))]
    public async Task Bad_profile_requests(string name, string method, string path, string? contentType, string? body, int status, string? field)
    {
        // POST uses a tutor without a profile; the others change the existing one.
        var caller = method == "POST" ? Guid.NewGuid() : _tutorId;
        using var client = fx.As(caller, PlatformRoles.Tutor);
        var before = await TutorsSnapshotAsync();
        await AssertRejectedAsync(client, new HttpMethod(method), path, contentType, body, status, field, name);
        (await TutorsSnapshotAsync()).Should().Be(before, "{0}: nothing may be written", name);
    }

    public static TheoryData<string, string, int, string?> QueryCases() => new()
    {
        // name, path (relative to /api/tutors), status, field
        { "page 0", "?page=0", 400, "page" },
        { "page size too big", "?pageSize=101", 400, "pageSize" },
        { "page text", "?page=two", 400, "page" },
        { "maxRate without currency", "?maxRate=5000", 400, "currency" },
        { "maxRate negative", "?maxRate=-1&currency=USD", 400, "maxRate" },
        { "maxRate text", "?maxRate=cheap&currency=USD", 400, "maxRate" },
        { "unknown currency", "?currency=ABC", 400, "currency" },
        { "blank subject", "?subject=%20", 400, "subject" },
        { "minRating above 5", "?minRating=5.1", 400, "minRating" },
        { "minRating negative", "?minRating=-1", 400, "minRating" },
        { "minRating two decimals", "?minRating=4.55", 400, "minRating" },
        { "minRating decimal comma", "?minRating=4,5", 400, "minRating" },
        { "minRating text", "?minRating=good", 400, "minRating" },
        { "minRating exponent", "?minRating=4e0", 400, "minRating" },
        { "sort unknown", "?sort=price", 400, "sort" },
        { "sort upper case", "?sort=Rating", 400, "sort" },
        { "sort empty", "?sort=", 400, "sort" },
        { "subject too long", $"?subject={new string('s', 41)}", 400, "subject" },
        { "availableFrom alone", "?availableFrom=2030-01-01T00:00:00Z", 400, "availableTo" },
        { "availableTo alone", "?availableTo=2030-01-01T00:00:00Z", 400, "availableFrom" },
        { "window reversed", "?availableFrom=2030-01-02T00:00:00Z&availableTo=2030-01-01T00:00:00Z", 400, "availableTo" },
        { "window over 14 days", "?availableFrom=2030-01-01T00:00:00Z&availableTo=2030-01-15T00:00:01Z", 400, "availableTo" },
        { "availableFrom not a date", "?availableFrom=tomorrow&availableTo=2030-01-01T00:00:00Z", 400, "availableFrom" },
        { "slots: duration too short", "/{tutor}/slots?durationMinutes=15", 400, "durationMinutes" },
        { "slots: duration too long", "/{tutor}/slots?durationMinutes=255", 400, "durationMinutes" },
        { "slots: duration off grid", "/{tutor}/slots?durationMinutes=50", 400, "durationMinutes" },
        { "slots: duration text", "/{tutor}/slots?durationMinutes=hour", 400, "durationMinutes" },
        { "slots: window over 14 days", "/{tutor}/slots?from=2030-01-01T00:00:00Z&to=2030-01-16T00:00:00Z", 400, "to" },
        { "slots: to before from", "/{tutor}/slots?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z", 400, "to" },
        { "slots: from not a date", "/{tutor}/slots?from=soon", 400, "from" },
        { "slots: non-guid tutor", "/not-a-guid/slots", 404, null },
        { "profile: non-guid id", "/not-a-guid", 404, null },
    };

    [Theory]
    [MemberData(nameof(QueryCases))]
    public async Task Bad_queries(string name, string path, int status, string? field)
    {
        using var client = fx.Anonymous();
        await AssertRejectedAsync(client, HttpMethod.Get, "/api/tutors" + path.Replace("{tutor}", _tutorId.ToString(), StringComparison.Ordinal), null, null, status, field, name);
    }

    public static TheoryData<string, string, string?, string?, int, string?> HoldCases()
    {
        var tutor = "{tutor}";
        var start = "{start}";
        string Hold(string replace = "durationMinutes", string with = "durationMinutes")
        {
            var body = $$"""{"bookingId":"{{Guid.NewGuid()}}","tutorId":"{{tutor}}","studentId":"{{Guid.NewGuid()}}","start":"{{start}}","durationMinutes":60}""";
            return body.Replace(replace, with, StringComparison.Ordinal);
        }

        return new()
        {
            // name, path, content type, body, status, field
            { "json null", "/internal/holds", Json, "null", 400, "body" },
            { "malformed json", "/internal/holds", Json, """{"bookingId":""", 400, null },
            { "wrong content type", "/internal/holds", "text/plain", Hold(), 415, null },
            { "bookingId missing", "/internal/holds", Json, Hold("\"bookingId\"", "\"x\""), 400, "bookingId" },
            { "bookingId empty guid", "/internal/holds", Json, "{\"bookingId\":\"00000000-0000-0000-0000-000000000000\"," + Hold()[(Hold().IndexOf(',', StringComparison.Ordinal) + 1)..], 400, "bookingId" },
            { "bookingId not a guid", "/internal/holds", Json, "{\"bookingId\":\"abc\"," + Hold()[(Hold().IndexOf(',', StringComparison.Ordinal) + 1)..], 400, null },
            { "tutorId missing", "/internal/holds", Json, Hold("\"tutorId\"", "\"x\""), 400, "tutorId" },
            { "studentId missing", "/internal/holds", Json, Hold("\"studentId\"", "\"x\""), 400, "studentId" },
            { "student is the tutor", "/internal/holds", Json, $$"""{"bookingId":"{{Guid.NewGuid()}}","tutorId":"{{tutor}}","studentId":"{{tutor}}","start":"{{start}}","durationMinutes":60}""", 400, "studentId" },
            { "start missing", "/internal/holds", Json, Hold("\"start\"", "\"x\""), 400, "start" },
            { "start off the grid", "/internal/holds", Json, Hold(start, "{start+7}"), 400, "start" },
            { "start not a date", "/internal/holds", Json, Hold(start, "tomorrow"), 400, null },
            { "duration missing", "/internal/holds", Json, Hold(",\"durationMinutes\":60", ""), 400, "durationMinutes" },
            { "duration too short", "/internal/holds", Json, Hold("\"durationMinutes\":60", "\"durationMinutes\":15"), 400, "durationMinutes" },
            { "duration too long", "/internal/holds", Json, Hold("\"durationMinutes\":60", "\"durationMinutes\":255"), 400, "durationMinutes" },
            { "duration off grid", "/internal/holds", Json, Hold("\"durationMinutes\":60", "\"durationMinutes\":50"), 400, "durationMinutes" },
            { "holdMinutes zero", "/internal/holds", Json, Hold("\"durationMinutes\":60", "\"durationMinutes\":60,\"holdMinutes\":0"), 400, "holdMinutes" },
            { "holdMinutes too long", "/internal/holds", Json, Hold("\"durationMinutes\":60", "\"durationMinutes\":60,\"holdMinutes\":181"), 400, "holdMinutes" },
            { "book: non-guid id", "/internal/holds/not-a-guid/book", null, null, 404, null },
            { "release: non-guid id", "/internal/holds/not-a-guid/release", null, null, 404, null },
        };
    }

    [Theory]
    [MemberData(nameof(HoldCases))]
    public async Task Bad_hold_requests(string name, string path, string? contentType, string? body, int status, string? field)
    {
        var start = fx.QuarterHourAhead(TimeSpan.FromDays(1));
        body = body?
            .Replace("{tutor}", _tutorId.ToString(), StringComparison.Ordinal)
            .Replace("{start+7}", start.AddMinutes(7).ToString("O", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{start}", start.ToString("O", CultureInfo.InvariantCulture), StringComparison.Ordinal);
        using var client = fx.Sidecar();
        var before = await fx.CountsAsync();
        await AssertRejectedAsync(client, HttpMethod.Post, path, contentType, body, status, field, name);
        (await fx.CountsAsync()).Should().Be(before, "{0}: nothing may be written", name);
    }

    // Every row's full content, so a changed field shows as well as an added row.
    private Task<string> TutorsSnapshotAsync() =>
        fx.TextAsync("SELECT coalesce(string_agg(t::text, '|' ORDER BY tutor_id), '') FROM tutors t");

    private static Task AssertRejectedAsync(
        HttpClient client, HttpMethod method, string path, string? contentType, string? body, int status, string? field, string name) =>
        client.ShouldRejectAsync(method, path, contentType, body, status, field, name);
}
