using System.Text;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Booking.Tests;

/// <summary>Every bad request is problem+json with the right 4xx, never a 500, and nothing is written or invoked.</summary>
public sealed class BadInputTests(BookingFixture fx) : IClassFixture<BookingFixture>
{
    private const string Json = "application/json";
    private static readonly string Future = BookingFixture.QuarterHour(TimeSpan.FromDays(3)).ToString("O");
    private static readonly string FutureEnd = BookingFixture.QuarterHour(TimeSpan.FromDays(3)).AddHours(1).ToString("O");
    private static readonly Guid Tutor = Guid.Parse("7d3c1f0e-5b6a-4f1e-9c2d-8a7b6c5d4e3f");
    private static readonly Guid Student = Guid.Parse("1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d");

    private static string Request(string? tutorId = null, string? start = null, string? duration = "60", string? subject = "\"Algebra\"") =>
        "{" + string.Join(",", new[]
        {
            tutorId is null ? $"\"tutorId\":\"{Tutor}\"" : tutorId.Length == 0 ? null : $"\"tutorId\":{tutorId}",
            start is null ? $"\"start\":\"{Future}\"" : start.Length == 0 ? null : $"\"start\":{start}",
            duration is null ? null : $"\"durationMinutes\":{duration}",
            subject is null ? null : $"\"subject\":{subject}",
        }.Where(p => p is not null)) + "}";

    public static TheoryData<string, string, string?, string?, int, string?> PublicCases() => new()
    {
        // name, "METHOD path", content type, body, expected status, expected field error ({id} = a pending booking of the caller)
        { "tutorId missing", "POST /api/bookings", Json, Request(tutorId: ""), 400, "tutorId" },
        { "tutorId empty", "POST /api/bookings", Json, Request(tutorId: $"\"{Guid.Empty}\""), 400, "tutorId" },
        { "tutorId is the caller", "POST /api/bookings", Json, Request(tutorId: $"\"{Student}\""), 400, "tutorId" },
        { "tutorId not a guid", "POST /api/bookings", Json, Request(tutorId: "\"bob\""), 400, null },
        { "start missing", "POST /api/bookings", Json, Request(start: ""), 400, "start" },
        { "start in the past", "POST /api/bookings", Json, Request(start: "\"2020-01-01T10:00:00Z\""), 400, "start" },
        { "start not on a quarter hour", "POST /api/bookings", Json, Request(start: $"\"{Future[..14]}07:00Z\""), 400, "start" },
        { "start with seconds", "POST /api/bookings", Json, Request(start: $"\"{Future[..14]}00:30Z\""), 400, "start" },
        { "start not a time", "POST /api/bookings", Json, Request(start: "\"tomorrow\""), 400, null },
        { "duration missing", "POST /api/bookings", Json, Request(duration: null), 400, "durationMinutes" },
        { "duration too short", "POST /api/bookings", Json, Request(duration: "15"), 400, "durationMinutes" },
        { "duration too long", "POST /api/bookings", Json, Request(duration: "255"), 400, "durationMinutes" },
        { "duration off the grid", "POST /api/bookings", Json, Request(duration: "50"), 400, "durationMinutes" },
        { "duration negative", "POST /api/bookings", Json, Request(duration: "-60"), 400, "durationMinutes" },
        { "duration fraction", "POST /api/bookings", Json, Request(duration: "60.5"), 400, null },
        { "subject missing", "POST /api/bookings", Json, Request(subject: null), 400, "subject" },
        { "subject blank", "POST /api/bookings", Json, Request(subject: "\"   \""), 400, "subject" },
        { "subject too long", "POST /api/bookings", Json, Request(subject: $"\"{new string('s', 81)}\""), 400, "subject" },
        { "json null", "POST /api/bookings", Json, "null", 400, "body" },
        { "malformed json", "POST /api/bookings", Json, """{"tutorId":""", 400, null },
        { "wrong content type", "POST /api/bookings", "text/plain", Request(), 415, null },
        { "oversized body", "POST /api/bookings", Json, $$"""{"subject":"{{new string('x', 1100 * 1024)}}"}""", 413, null },
        { "list as unknown role", "GET /api/bookings?as=admin", null, null, 400, "as" },
        { "list status in other case", "GET /api/bookings?status=Confirmed", null, null, 400, "status" },
        { "list status unknown", "GET /api/bookings?status=paid", null, null, 400, "status" },
        { "list page 0", "GET /api/bookings?page=0", null, null, 400, "page" },
        { "list page size too big", "GET /api/bookings?pageSize=101", null, null, 400, "pageSize" },
        { "list page size text", "GET /api/bookings?pageSize=ten", null, null, 400, "pageSize" },
        { "get non-guid id", "GET /api/bookings/not-a-guid", null, null, 404, null },
        { "get unknown id", $"GET /api/bookings/{Guid.NewGuid()}", null, null, 404, null },
        { "saga non-guid id", "GET /api/bookings/not-a-guid/saga", null, null, 404, null },
        { "cancel reason too long", "POST /api/bookings/{id}/cancel", Json, $$"""{"reason":"{{new string('r', 501)}}"}""", 400, "reason" },
        { "cancel malformed json", "POST /api/bookings/{id}/cancel", Json, """{"reason":""", 400, null },
        { "cancel wrong content type", "POST /api/bookings/{id}/cancel", "text/plain", """{"reason":"x"}""", 415, null },
        { "cancel unknown booking", $"POST /api/bookings/{Guid.NewGuid()}/cancel", Json, "{}", 404, null },
        { "quote non-guid id", "GET /api/bookings/nope/refund-quote", null, null, 404, null },
        { "quote unknown booking", $"GET /api/bookings/{Guid.NewGuid()}/refund-quote", null, null, 404, null },
        { "quote of a booking not yet paid", "GET /api/bookings/{id}/refund-quote", null, null, 409, null },
        { "complete unknown booking", $"POST /api/bookings/{Guid.NewGuid()}/complete", null, null, 404, null },
        { "complete non-guid id", "POST /api/bookings/nope/complete", null, null, 404, null },
    };

    [Theory]
    [MemberData(nameof(PublicCases))]
    public async Task Bad_public_requests(string name, string route, string? contentType, string? body, int status, string? field)
    {
        using var client = fx.Student(Student);
        await AssertRejectedAsync(client, route, contentType, body, status, field, name);
    }

    [Fact]
    public async Task Bad_idempotency_keys_are_field_errors()
    {
        foreach (var key in new[] { "   ", new string('k', 201) })
        {
            using var client = fx.Student(Student);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = new StringContent(Request(), Encoding.UTF8, Json) };
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
            var invocationsBefore = fx.Sidecar.Received.Count(c => c.Path.StartsWith("/v1.0/invoke/", StringComparison.Ordinal));

            using var response = await client.SendAsync(request);

            ((int)response.StatusCode).Should().Be(400);
            (await response.ReadProblemAsync()).FieldErrors().Should().Contain("Idempotency-Key");
            fx.Sidecar.Received.Count(c => c.Path.StartsWith("/v1.0/invoke/", StringComparison.Ordinal)).Should().Be(invocationsBefore);
        }
    }

    private static string Create(string? omit = null, params (string Name, string Json)[] replace)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["bookingId"] = $"\"{Guid.NewGuid()}\"",
            ["workflowInstanceId"] = "\"booking-x\"",
            ["studentId"] = $"\"{Student}\"",
            ["studentName"] = "\"Stu\"",
            ["tutorId"] = $"\"{Tutor}\"",
            ["tutorName"] = "\"Tu\"",
            ["subject"] = "\"Algebra\"",
            ["start"] = $"\"{Future}\"",
            ["end"] = $"\"{FutureEnd}\"",
            ["price"] = """{"amount":4500,"currency":"USD"}""",
        };
        if (omit is not null)
        {
            fields.Remove(omit);
        }

        foreach (var (fieldName, json) in replace)
        {
            fields[fieldName] = json;
        }

        return "{" + string.Join(",", fields.Select(f => $"\"{f.Key}\":{f.Value}")) + "}";
    }

    public static TheoryData<string, string, string?, string?, int, string?> SagaStepCases()
    {
        var cases = new TheoryData<string, string, string?, string?, int, string?>();
        foreach (var field in new[] { "bookingId", "workflowInstanceId", "studentId", "studentName", "tutorId", "tutorName", "subject", "start", "end", "price" })
        {
            cases.Add($"create without {field}", "POST /internal/bookings", Json, Create(omit: field), 400, field);
        }

        cases.Add("create empty booking id", "POST /internal/bookings", Json, Create(null, ("bookingId", $"\"{Guid.Empty}\"")), 400, "bookingId");
        cases.Add("create student is tutor", "POST /internal/bookings", Json, Create(null, ("studentId", $"\"{Tutor}\"")), 400, "tutorId");
        cases.Add("create name too long", "POST /internal/bookings", Json, Create(null, ("tutorName", $"\"{new string('n', 101)}\"")), 400, "tutorName");
        cases.Add("create instance id too long", "POST /internal/bookings", Json, Create(null, ("workflowInstanceId", $"\"{new string('i', 101)}\"")), 400, "workflowInstanceId");
        cases.Add("create subject too long", "POST /internal/bookings", Json, Create(null, ("subject", $"\"{new string('s', 81)}\"")), 400, "subject");
        cases.Add("create end before start", "POST /internal/bookings", Json, Create(null, ("end", "\"2020-01-01T00:00:00Z\"")), 400, "end");
        cases.Add("create end equals start", "POST /internal/bookings", Json, Create(null, ("end", $"\"{Future}\"")), 400, "end");
        cases.Add("create unaligned start", "POST /internal/bookings", Json, Create(null, ("start", $"\"{Future[..14]}05:00Z\"")), 400, "start");
        cases.Add("create negative price", "POST /internal/bookings", Json, Create(null, ("price", """{"amount":-1,"currency":"USD"}""")), 400, "price.amount");
        cases.Add("create price without amount", "POST /internal/bookings", Json, Create(null, ("price", """{"currency":"USD"}""")), 400, "price.amount");
        cases.Add("create lower-case currency", "POST /internal/bookings", Json, Create(null, ("price", """{"amount":4500,"currency":"usd"}""")), 400, "price.currency");
        cases.Add("create unknown currency", "POST /internal/bookings", Json, Create(null, ("price", """{"amount":4500,"currency":"XXX"}""")), 400, "price.currency");
        cases.Add("create fractional amount", "POST /internal/bookings", Json, Create(null, ("price", """{"amount":45.5,"currency":"USD"}""")), 400, null);
        cases.Add("create json null", "POST /internal/bookings", Json, "null", 400, "body");
        cases.Add("create malformed json", "POST /internal/bookings", Json, """{"bookingId":""", 400, null);
        cases.Add("create wrong content type", "POST /internal/bookings", "text/plain", Create(), 415, null);
        cases.Add("awaiting-payment without payment id", "POST /internal/bookings/{id}/awaiting-payment", Json, """{"paymentIntentId":"pi_1"}""", 400, "paymentId");
        cases.Add("awaiting-payment empty payment id", "POST /internal/bookings/{id}/awaiting-payment", Json, $$"""{"paymentId":"{{Guid.Empty}}","paymentIntentId":"pi_1"}""", 400, "paymentId");
        cases.Add("awaiting-payment blank intent", "POST /internal/bookings/{id}/awaiting-payment", Json, $$"""{"paymentId":"{{Guid.NewGuid()}}","paymentIntentId":" "}""", 400, "paymentIntentId");
        cases.Add("awaiting-payment intent too long", "POST /internal/bookings/{id}/awaiting-payment", Json, $$"""{"paymentId":"{{Guid.NewGuid()}}","paymentIntentId":"{{new string('p', 256)}}"}""", 400, "paymentIntentId");
        cases.Add("awaiting-payment json null", "POST /internal/bookings/{id}/awaiting-payment", Json, "null", 400, "body");
        cases.Add("awaiting-payment unknown booking", $"POST /internal/bookings/{Guid.NewGuid()}/awaiting-payment", Json, $$"""{"paymentId":"{{Guid.NewGuid()}}","paymentIntentId":"pi_1"}""", 404, null);
        cases.Add("confirm non-guid id", "POST /internal/bookings/abc/confirm", null, null, 404, null);
        cases.Add("cancel without reason", "POST /internal/bookings/{id}/cancel", Json, "{}", 400, "reason");
        cases.Add("cancel reason too long", "POST /internal/bookings/{id}/cancel", Json, $$"""{"reason":"{{new string('r', 501)}}"}""", 400, "reason");
        cases.Add("cancel negative refund", "POST /internal/bookings/{id}/cancel", Json, """{"reason":"x","refund":{"amount":-5,"currency":"USD"}}""", 400, "refund.amount");
        cases.Add("cancel refund currency unknown", "POST /internal/bookings/{id}/cancel", Json, """{"reason":"x","refund":{"amount":5,"currency":"ZZZ"}}""", 400, "refund.currency");
        cases.Add("cancel json null", "POST /internal/bookings/{id}/cancel", Json, "null", 400, "body");
        cases.Add("quote without at", "GET /internal/bookings/{id}/refund-quote?requestedBy=student", null, null, 400, "at");
        cases.Add("quote at not a time", "GET /internal/bookings/{id}/refund-quote?at=yesterday&requestedBy=student", null, null, 400, "at");
        cases.Add("quote without requester", "GET /internal/bookings/{id}/refund-quote?at=2030-01-01T00:00:00Z", null, null, 400, "requestedBy");
        cases.Add("quote unknown requester", "GET /internal/bookings/{id}/refund-quote?at=2030-01-01T00:00:00Z&requestedBy=admin", null, null, 400, "requestedBy");
        return cases;
    }

    [Theory]
    [MemberData(nameof(SagaStepCases))]
    public async Task Bad_saga_step_requests(string name, string route, string? contentType, string? body, int status, string? field)
    {
        using var client = fx.Saga();
        await AssertRejectedAsync(client, route, contentType, body, status, field, name);
    }

    private async Task AssertRejectedAsync(HttpClient client, string route, string? contentType, string? body, int status, string? field, string name)
    {
        if (route.Contains("{id}", StringComparison.Ordinal))
        {
            // Pending: it occupies no time, so every case can have its own booking of the same student at the same time.
            var booking = await fx.SeedAsync(Student, Guid.NewGuid(), BookingFixture.QuarterHour(TimeSpan.FromDays(3)), "pending");
            route = route.Replace("{id}", booking.GetProperty("bookingId").GetGuid().ToString(), StringComparison.Ordinal);
        }

        var (method, path) = (route[..route.IndexOf(' ', StringComparison.Ordinal)], route[(route.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
        var before = await fx.CountsAsync();
        var invocationsBefore = fx.Sidecar.Received.Count(c => c.Path.StartsWith("/v1.0/invoke/", StringComparison.Ordinal));
        await client.ShouldRejectAsync(new HttpMethod(method), path, contentType, body, status, field, name);

        (await fx.CountsAsync()).Should().Be(before, "{0} must write nothing", name);
        fx.Sidecar.Received.Count(c => c.Path.StartsWith("/v1.0/invoke/", StringComparison.Ordinal)).Should().Be(invocationsBefore, "{0} must invoke nothing", name);
    }
}
