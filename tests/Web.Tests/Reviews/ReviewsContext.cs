using System.Text.Json;
using DaprPlatform.Web.Features.Bookings;
using DaprPlatform.Web.Features.Tutor;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Web.Tests.Reviews;

/// <summary>The reviews pieces over the fake sidecar, with reviews' JSON at hand.</summary>
public abstract class ReviewsContext : WebComponentContext
{
    protected const string App = "reviews";

    protected ReviewsContext() => Services.AddReviewFeatures().AddStudentFeatures().AddTutorFeatures().AddMessagingFeatures();

    protected static readonly Guid TutorId = Guid.Parse("7d3c1f0e-5b6a-4f1e-9c2d-8a7b6c5d4e3f");

    protected static TimeZoneInfo Berlin { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    /// <summary>A review as reviews answers it to its student, tutor and admins.</summary>
    protected static string Review(Guid reviewId, Guid bookingId, int rating, string? comment, string state = "visible", string? reply = null,
        DateTimeOffset? editableUntil = null, string studentName = "Sam Student") =>
        JsonSerializer.Serialize(new
        {
            reviewId, bookingId, tutorId = TutorId, studentId = Guid.NewGuid(), studentName, subject = "algebra", rating, comment, state,
            version = 1, helpfulCount = 0,
            reply = reply is null ? null : new { text = reply, repliedAt = "2026-12-05T10:00:00Z" },
            postedAt = "2026-12-04T09:30:00Z", editedAt = (string?)null,
            editableUntil = editableUntil ?? DateTimeOffset.UtcNow.AddDays(6),
        }, JsonSerializerOptions.Web);

    protected static string PublicReview(Guid reviewId, string studentName, int rating, string? comment, int helpful = 0, string? reply = null,
        bool? mine = null, bool? markedHelpfulByMe = null, bool? flaggedByMe = null) =>
        JsonSerializer.Serialize(new
        {
            reviewId, studentName, subject = "algebra", rating, comment, helpfulCount = helpful,
            reply = reply is null ? null : new { text = reply, repliedAt = "2026-12-05T10:00:00Z" },
            postedAt = "2026-12-04T09:30:00Z", editedAt = (string?)null, mine, markedHelpfulByMe, flaggedByMe,
        }, JsonSerializerOptions.Web);

    protected static string TutorReviews(string summary, string? nextCursor, params string[] items) =>
        $$"""{"tutorId":"{{TutorId}}","summary":{{summary}},"items":[{{string.Join(',', items)}}],"nextCursor":{{(nextCursor is null ? "null" : $"\"{nextCursor}\"")}}}""";

    protected static string Summary(decimal? average, int one, int two, int three, int four, int five) =>
        JsonSerializer.Serialize(new
        {
            average, count = one + two + three + four + five,
            distribution = new Dictionary<string, int> { ["1"] = one, ["2"] = two, ["3"] = three, ["4"] = four, ["5"] = five },
        }, JsonSerializerOptions.Web);

    protected IReadOnlyList<JsonElement> BodiesSent(string method, string path) =>
        CallsTo(App).Where(r => r.Method == method && r.Path.EndsWith(path, StringComparison.Ordinal))
            .Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
}
