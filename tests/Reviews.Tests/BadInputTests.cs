using System.Net.Http.Json;
using DaprPlatform.Reviews.Features;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Reviews.Tests;

/// <summary>Every bad request to every endpoint is problem+json with the right 4xx, never a 500, and nothing is written.</summary>
public sealed class BadInputTests(ReviewsFixture fx) : IClassFixture<ReviewsFixture>
{
    private const string Json = "application/json";
    private static readonly Guid Student = Guid.Parse("1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d");
    private static readonly Guid Tutor = Guid.Parse("7d3c1f0e-5b6a-4f1e-9c2d-8a7b6c5d4e3f");
    private static readonly string Unknown = Guid.NewGuid().ToString();
    private static readonly string OtherSortCursor = new ReviewCursor(ReviewOrder.Helpful, 0, DateTimeOffset.UnixEpoch, Guid.NewGuid()).Encode();

    private static string Post(string? bookingId = null, string? rating = "5", string? comment = null) =>
        "{" + string.Join(",", new[]
        {
            bookingId is null ? $"\"bookingId\":\"{Unknown}\"" : bookingId.Length == 0 ? null : $"\"bookingId\":{bookingId}",
            rating is null ? null : $"\"rating\":{rating}",
            comment is null ? null : $"\"comment\":{comment}",
        }.Where(p => p is not null)) + "}";

    public static TheoryData<string, string, string?, string?, int, string?> Cases() => new()
    {
        // name, "METHOD path", content type, body, expected status, expected field error ({id} = a visible review by the caller)
        { "post without bookingId", "POST /api/reviews", Json, Post(bookingId: ""), 400, "bookingId" },
        { "post empty bookingId", "POST /api/reviews", Json, Post(bookingId: $"\"{Guid.Empty}\""), 400, "bookingId" },
        { "post bookingId not a guid", "POST /api/reviews", Json, Post(bookingId: "\"b-1\""), 400, null },
        { "post without rating", "POST /api/reviews", Json, Post(rating: null), 400, "rating" },
        { "post rating 0", "POST /api/reviews", Json, Post(rating: "0"), 400, "rating" },
        { "post rating 6", "POST /api/reviews", Json, Post(rating: "6"), 400, "rating" },
        { "post rating negative", "POST /api/reviews", Json, Post(rating: "-1"), 400, "rating" },
        { "post rating fraction", "POST /api/reviews", Json, Post(rating: "4.5"), 400, null },
        { "post rating text", "POST /api/reviews", Json, Post(rating: "\"five\""), 400, null },
        { "post comment too long", "POST /api/reviews", Json, Post(comment: $"\"{new string('c', 2001)}\""), 400, "comment" },
        { "post comment not text", "POST /api/reviews", Json, Post(comment: "42"), 400, null },
        { "post json null", "POST /api/reviews", Json, "null", 400, "body" },
        { "post malformed json", "POST /api/reviews", Json, """{"bookingId":""", 400, null },
        { "post wrong content type", "POST /api/reviews", "text/plain", Post(), 415, null },
        { "post oversized body", "POST /api/reviews", Json, $$"""{"comment":"{{new string('x', 1100 * 1024)}}"}""", 413, null },
        { "post booking not completed", "POST /api/reviews", Json, Post(), 422, "bookingId" },
        { "list sort unknown", $"GET /api/reviews/tutor/{Tutor}?sort=best", null, null, 400, "sort" },
        { "list sort in other case", $"GET /api/reviews/tutor/{Tutor}?sort=Newest", null, null, 400, "sort" },
        { "list cursor garbage", $"GET /api/reviews/tutor/{Tutor}?cursor=abc!", null, null, 400, "cursor" },
        { "list cursor of the other sort", $"GET /api/reviews/tutor/{Tutor}?sort=newest&cursor={OtherSortCursor}", null, null, 400, "cursor" },
        { "list limit 0", $"GET /api/reviews/tutor/{Tutor}?limit=0", null, null, 400, "limit" },
        { "list limit too big", $"GET /api/reviews/tutor/{Tutor}?limit=51", null, null, 400, "limit" },
        { "list limit text", $"GET /api/reviews/tutor/{Tutor}?limit=ten", null, null, 400, "limit" },
        { "list limit negative", $"GET /api/reviews/tutor/{Tutor}?limit=-5", null, null, 400, "limit" },
        { "list tutor not a guid", "GET /api/reviews/tutor/bob", null, null, 404, null },
        { "mine cursor garbage", "GET /api/reviews/mine?cursor=abc!", null, null, 400, "cursor" },
        { "mine cursor of the helpful sort", $"GET /api/reviews/mine?cursor={OtherSortCursor}", null, null, 400, "cursor" },
        { "mine limit 0", "GET /api/reviews/mine?limit=0", null, null, 400, "limit" },
        { "mine limit too big", "GET /api/reviews/mine?limit=51", null, null, 400, "limit" },
        { "mine limit text", "GET /api/reviews/mine?limit=ten", null, null, 400, "limit" },
        { "booking review not a guid", "GET /api/reviews/booking/b-1", null, null, 404, null },
        { "booking review unknown", $"GET /api/reviews/booking/{Unknown}", null, null, 404, null },
        { "edit nothing", "PATCH /api/reviews/{id}", Json, "{}", 400, "body" },
        { "edit rating 0", "PATCH /api/reviews/{id}", Json, """{"rating":0}""", 400, "rating" },
        { "edit rating 6", "PATCH /api/reviews/{id}", Json, """{"rating":6}""", 400, "rating" },
        { "edit rating fraction", "PATCH /api/reviews/{id}", Json, """{"rating":2.5}""", 400, null },
        { "edit comment too long", "PATCH /api/reviews/{id}", Json, $$"""{"comment":"{{new string('c', 2001)}}"}""", 400, "comment" },
        { "edit json null", "PATCH /api/reviews/{id}", Json, "null", 400, "body" },
        { "edit malformed json", "PATCH /api/reviews/{id}", Json, """{"rating":""", 400, null },
        { "edit wrong content type", "PATCH /api/reviews/{id}", "text/plain", """{"rating":3}""", 415, null },
        { "edit not a guid", "PATCH /api/reviews/r-1", Json, """{"rating":3}""", 404, null },
        { "edit unknown review", $"PATCH /api/reviews/{Unknown}", Json, """{"rating":3}""", 404, null },
        { "delete not a guid", "DELETE /api/reviews/r-1", null, null, 404, null },
        { "delete unknown review", $"DELETE /api/reviews/{Unknown}", null, null, 404, null },
        { "flag without reason", "POST /api/reviews/{id}/flag", Json, "{}", 400, "reason" },
        { "flag unknown reason", "POST /api/reviews/{id}/flag", Json, """{"reason":"boring"}""", 400, "reason" },
        { "flag reason in other case", "POST /api/reviews/{id}/flag", Json, """{"reason":"Spam"}""", 400, "reason" },
        { "flag reason not text", "POST /api/reviews/{id}/flag", Json, """{"reason":1}""", 400, null },
        { "flag note too long", "POST /api/reviews/{id}/flag", Json, $$"""{"reason":"spam","note":"{{new string('n', 501)}}"}""", 400, "note" },
        { "flag other without note", "POST /api/reviews/{id}/flag", Json, """{"reason":"other","note":"  "}""", 400, "note" },
        { "flag json null", "POST /api/reviews/{id}/flag", Json, "null", 400, "body" },
        { "flag malformed json", "POST /api/reviews/{id}/flag", Json, """{"reason":""", 400, null },
        { "flag wrong content type", "POST /api/reviews/{id}/flag", "text/plain", """{"reason":"spam"}""", 415, null },
        { "flag unknown review", $"POST /api/reviews/{Unknown}/flag", Json, """{"reason":"spam"}""", 404, null },
        { "reply without text", "POST /api/reviews/{id}/reply", Json, "{}", 400, "text" },
        { "reply blank text", "POST /api/reviews/{id}/reply", Json, """{"text":"   "}""", 400, "text" },
        { "reply text too long", "POST /api/reviews/{id}/reply", Json, $$"""{"text":"{{new string('t', 2001)}}"}""", 400, "text" },
        { "reply json null", "POST /api/reviews/{id}/reply", Json, "null", 400, "body" },
        { "reply wrong content type", "POST /api/reviews/{id}/reply", "text/plain", """{"text":"x"}""", 415, null },
        { "reply unknown review", $"POST /api/reviews/{Unknown}/reply", Json, """{"text":"x"}""", 404, null },
        { "helpful not a guid", "POST /api/reviews/r-1/helpful", null, null, 404, null },
        { "helpful unknown review", $"POST /api/reviews/{Unknown}/helpful", null, null, 404, null },
        { "unmark helpful unknown review", $"DELETE /api/reviews/{Unknown}/helpful", null, null, 404, null },
        { "helpful own review", "POST /api/reviews/{id}/helpful", null, null, 403, null },
    };

    public static TheoryData<string, string, string?, string?, int, string?> AdminCases() => new()
    {
        { "queue page 0", "GET /api/reviews/moderation?page=0", null, null, 400, "page" },
        { "queue page size too big", "GET /api/reviews/moderation?pageSize=101", null, null, 400, "pageSize" },
        { "queue page size text", "GET /api/reviews/moderation?pageSize=many", null, null, 400, "pageSize" },
        { "hide unknown review", $"POST /api/reviews/{Unknown}/hide", null, null, 404, null },
        { "hide not a guid", "POST /api/reviews/r-1/hide", null, null, 404, null },
        { "restore unknown review", $"POST /api/reviews/{Unknown}/restore", null, null, 404, null },
        { "restore not a guid", "POST /api/reviews/r-1/restore", null, null, 404, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_requests(string name, string route, string? contentType, string? body, int status, string? field)
    {
        using var client = fx.Student(Student);
        await AssertRejectedAsync(client, route, contentType, body, status, field, name);
    }

    [Theory]
    [MemberData(nameof(AdminCases))]
    public async Task Bad_admin_requests(string name, string route, string? contentType, string? body, int status, string? field)
    {
        using var client = fx.Admin();
        await AssertRejectedAsync(client, route, contentType, body, status, field, name);
    }

    private async Task AssertRejectedAsync(HttpClient client, string route, string? contentType, string? body, int status, string? field, string name)
    {
        var reviewId = await OwnReviewAsync();
        var parts = route.Split(' ', 2);
        var before = await fx.CountsAsync();

        await client.ShouldRejectAsync(new HttpMethod(parts[0]), parts[1].Replace("{id}", reviewId.ToString(), StringComparison.Ordinal), contentType, body, status, field, name);

        (await fx.CountsAsync()).Should().BeEquivalentTo(before, "{0}: nothing is written", name);
    }

    /// <summary>A visible review by <see cref="Student"/>, the same one for every case (none of them changes it).</summary>
    private async Task<Guid> OwnReviewAsync()
    {
        var existing = await fx.Factory.WithDbAsync(db => Task.FromResult(db.Reviews.Where(r => r.StudentId == Student).Select(r => (Guid?)r.Id).FirstOrDefault()));
        if (existing is { } id)
        {
            return id;
        }

        var bookingId = await fx.CompletedBookingAsync(Student, Tutor);
        using var client = fx.Student(Student);
        return (await ReviewsFixture.ExpectAsync(await client.PostAsJsonAsync("/api/reviews", new { bookingId, rating = 5 }), 201)).GetProperty("reviewId").GetGuid();
    }
}
