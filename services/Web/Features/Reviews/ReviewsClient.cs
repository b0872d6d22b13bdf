using System.Globalization;
using DaprPlatform.Web.Infrastructure.Services;

namespace DaprPlatform.Web.Features.Reviews;

public sealed record ReviewReply(string Text, DateTimeOffset RepliedAt);

/// <summary>A review as its student, its tutor and admins see it (<c>GET /api/reviews/booking/{id}</c> and every write).</summary>
public sealed record Review(
    Guid ReviewId,
    Guid BookingId,
    Guid TutorId,
    Guid StudentId,
    string StudentName,
    string Subject,
    int Rating,
    string? Comment,
    string State,
    long Version,
    int HelpfulCount,
    ReviewReply? Reply,
    DateTimeOffset PostedAt,
    DateTimeOffset? EditedAt,
    DateTimeOffset EditableUntil)
{
    /// <summary>Reviews lets the author edit until <see cref="EditableUntil"/> (the last instant counts).</summary>
    public bool IsEditableAt(DateTimeOffset now) => now <= EditableUntil;

    public bool IsHidden => State == ReviewStates.Hidden;
}

public static class ReviewStates
{
    public const string Visible = "visible";
    public const string Hidden = "hidden";
}

/// <summary>
/// A review as the public sees it: no ids but its own. For a signed-in reader reviews also says whether they wrote it,
/// marked it helpful or reported it (absent, so null, for anonymous readers).
/// </summary>
public sealed record PublicReview(
    Guid ReviewId,
    string StudentName,
    string Subject,
    int Rating,
    string? Comment,
    int HelpfulCount,
    ReviewReply? Reply,
    DateTimeOffset PostedAt,
    DateTimeOffset? EditedAt,
    bool? Mine = null,
    bool? MarkedHelpfulByMe = null,
    bool? FlaggedByMe = null);

/// <summary>A tutor's rating over their visible reviews: average to one decimal (null without reviews), count, stars 1..5.</summary>
public sealed record RatingSummary(decimal? Average, int Count, IReadOnlyDictionary<string, int> Distribution)
{
    public int CountOf(int stars) => Distribution.TryGetValue(stars.ToString(CultureInfo.InvariantCulture), out var count) ? count : 0;
}

public sealed record TutorReviews(Guid TutorId, RatingSummary Summary, IReadOnlyList<PublicReview> Items, string? NextCursor);

public sealed record HelpfulMark(Guid ReviewId, int HelpfulCount, bool MarkedByMe);

public sealed record ReviewFlagged(Guid ReviewId, string Reason, string State);

public sealed record ReviewFlag(Guid UserId, string Reason, string? Note, DateTimeOffset FlaggedAt, bool Resolved);

public sealed record ModerationEntry(Review Review, int OpenFlagCount, IReadOnlyList<ReviewFlag> Flags);

public sealed record ModerationQueue(IReadOnlyList<ModerationEntry> Items, int Page, int PageSize, int Total)
{
    public int PageCount => Math.Max(1, (int)Math.Ceiling(Total / (double)PageSize));
}

/// <summary>The orders reviews lists a tutor's reviews in.</summary>
public static class ReviewSorts
{
    public const string Newest = "newest";
    public const string Helpful = "helpful";
}

/// <summary>The reasons reviews accepts for a flag, with the words the page shows; <c>other</c> needs a note.</summary>
public static class FlagReasons
{
    public const string Other = "other";

    public static IReadOnlyList<(string Value, string Text)> All { get; } =
    [
        ("spam", "Spam or advertising"),
        ("offensive", "Offensive"),
        ("offTopic", "Not about the lesson"),
        ("falseInformation", "False information"),
        ("personalInformation", "Shares personal information"),
        (Other, "Something else"),
    ];

    public static string Text(string reason) => All.FirstOrDefault(r => r.Value == reason).Text ?? reason;
}

/// <summary>The reviews service's routes, as the signed-in person (or anonymously for a tutor's public list).</summary>
public sealed class ReviewsClient(ServiceCalls services)
{
    public const string AppId = "reviews";

    /// <summary>reviews' limits (services/Reviews/README.md); the page counts against them, reviews enforces them.</summary>
    public const int MaxCommentLength = 2000;

    public const int MaxReplyLength = 2000;
    public const int MaxFlagNoteLength = 500;
    public const int TutorPageSize = 10;
    public const int ModerationPageSize = 20;

    public Task<ApiResult<TutorReviews>> ForTutorAsync(Guid tutorId, string sort, string? cursor, CancellationToken ct)
    {
        var path = string.Create(CultureInfo.InvariantCulture, $"api/reviews/tutor/{tutorId}?sort={sort}&limit={TutorPageSize}");
        return services.GetAsync<TutorReviews>(AppId, cursor is null ? path : $"{path}&cursor={Uri.EscapeDataString(cursor)}", ct);
    }

    /// <summary>The booking's review; a 404 problem means it has none (or the caller may not see it).</summary>
    public Task<ApiResult<Review>> ForBookingAsync(Guid bookingId, CancellationToken ct) =>
        services.GetAsync<Review>(AppId, $"api/reviews/booking/{bookingId}", ct);

    public Task<ApiResult<Review>> PostAsync(Guid bookingId, int? rating, string? comment, CancellationToken ct) =>
        services.SendAsync<Review>(HttpMethod.Post, AppId, "api/reviews", new { bookingId, rating, comment }, ct);

    /// <param name="comment">An empty string removes the comment.</param>
    public Task<ApiResult<Review>> EditAsync(Guid reviewId, int? rating, string comment, CancellationToken ct) =>
        services.SendAsync<Review>(HttpMethod.Patch, AppId, $"api/reviews/{reviewId}", new { rating, comment }, ct);

    public Task<ApiResult> DeleteAsync(Guid reviewId, CancellationToken ct) =>
        services.SendAsync(HttpMethod.Delete, AppId, $"api/reviews/{reviewId}", body: null, ct);

    public Task<ApiResult<Review>> ReplyAsync(Guid reviewId, string text, CancellationToken ct) =>
        services.SendAsync<Review>(HttpMethod.Post, AppId, $"api/reviews/{reviewId}/reply", new { text }, ct);

    public Task<ApiResult<HelpfulMark>> MarkHelpfulAsync(Guid reviewId, bool helpful, CancellationToken ct) =>
        services.SendAsync<HelpfulMark>(helpful ? HttpMethod.Post : HttpMethod.Delete, AppId, $"api/reviews/{reviewId}/helpful", body: null, ct);

    public Task<ApiResult<ReviewFlagged>> FlagAsync(Guid reviewId, string? reason, string? note, CancellationToken ct) =>
        services.SendAsync<ReviewFlagged>(HttpMethod.Post, AppId, $"api/reviews/{reviewId}/flag", new { reason, note }, ct);

    public Task<ApiResult<ModerationQueue>> ModerationAsync(int page, CancellationToken ct) =>
        services.GetAsync<ModerationQueue>(AppId, string.Create(CultureInfo.InvariantCulture, $"api/reviews/moderation?page={page}&pageSize={ModerationPageSize}"), ct);

    /// <param name="hide">true hides the review, false restores it.</param>
    public Task<ApiResult<Review>> ModerateAsync(Guid reviewId, bool hide, CancellationToken ct) =>
        services.SendAsync<Review>(HttpMethod.Post, AppId, $"api/reviews/{reviewId}/{(hide ? "hide" : "restore")}", body: null, ct);
}
