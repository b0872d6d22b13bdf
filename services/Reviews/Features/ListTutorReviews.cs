using System.Security.Claims;
using System.Text.Json.Serialization;
using DaprPlatform.Reviews.Domain;
using DaprPlatform.Reviews.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Reviews.Features;

/// <summary>
/// A review as the public sees it: no student id, no booking id. For a signed-in reader it also says whether the reader
/// wrote it, marked it helpful and flagged it (absent for an anonymous one), so a page can show the reader's own state.
/// </summary>
public sealed record PublicReviewResponse(
    Guid ReviewId,
    string StudentName,
    string Subject,
    int Rating,
    string? Comment,
    int HelpfulCount,
    ReplyResponse? Reply,
    DateTimeOffset PostedAt,
    DateTimeOffset? EditedAt)
{
    /// <summary>The signed-in reader wrote it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Mine { get; init; }

    /// <summary>The signed-in reader has marked it helpful.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? MarkedHelpfulByMe { get; init; }

    /// <summary>The signed-in reader has flagged it (a flag is once per reader, so they cannot flag it again).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? FlaggedByMe { get; init; }

    public static PublicReviewResponse From(Review review)
    {
        ArgumentNullException.ThrowIfNull(review);
        return new PublicReviewResponse(review.Id, review.StudentName, review.Subject, review.Rating, review.Comment,
            review.HelpfulCount, ReviewResponse.ReplyOf(review), review.PostedAt, review.EditedAt);
    }
}

public sealed record TutorReviewsResponse(Guid TutorId, RatingSummary Summary, IReadOnlyList<PublicReviewResponse> Items, string? NextCursor);

/// <summary>
/// GET /api/reviews/tutor/{tutorId}?sort=newest|helpful&amp;cursor=&amp;limit= — public (no token): a tutor's visible
/// reviews a page at a time (<c>nextCursor</c> fetches the next; null on the last page) and the rating summary over all of
/// them. With a token, each review also carries the reader's own marks (<see cref="PublicReviewResponse.Mine"/> and so on).
/// </summary>
public static class ListTutorReviews
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapGet("/tutor/{tutorId:guid}", HandleAsync).AllowAnonymous().WithName("ListTutorReviews");

    public static async Task<Results<Ok<TutorReviewsResponse>, ValidationProblem>> HandleAsync(
        Guid tutorId,
        string? sort,
        string? cursor,
        string? limit,
        ClaimsPrincipal user,
        ReviewsDbContext db,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var order = sort switch
        {
            null or "" or "newest" => ReviewOrder.Newest,
            "helpful" => ReviewOrder.Helpful,
            _ => (ReviewOrder?)null,
        };
        if (order is null)
        {
            errors.Add("sort", "sort must be newest or helpful.");
        }

        var page = ReviewPage.TryRead(order, cursor, limit, errors);
        if (page is null)
        {
            return errors.ToProblem();
        }

        var visible = db.Reviews.AsNoTracking().Where(r => r.TutorId == tutorId && r.State == ReviewState.Visible);
        var (items, next) = page.Cut(await page.Select(visible).ToListAsync(ct));
        var starCounts = await visible.GroupBy(r => r.Rating).Select(g => new { Stars = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Stars, g => g.Count, ct);
        return TypedResults.Ok(new TutorReviewsResponse(tutorId, RatingSummary.From(starCounts), await ForReaderAsync(items, user, db, ct), next));
    }

    /// <summary>The page as <paramref name="user"/> sees it: with their own marks when signed in.</summary>
    private static async Task<IReadOnlyList<PublicReviewResponse>> ForReaderAsync(IReadOnlyList<Review> items, ClaimsPrincipal user, ReviewsDbContext db, CancellationToken ct)
    {
        if (user.Identity?.IsAuthenticated != true || items.Count == 0)
        {
            return items.Select(PublicReviewResponse.From).ToList();
        }

        var me = user.GetUserId();
        var ids = items.Select(r => r.Id).ToList();
        var helpful = (await db.HelpfulVotes.Where(v => v.UserId == me && ids.Contains(v.ReviewId)).Select(v => v.ReviewId).ToListAsync(ct)).ToHashSet();
        var flagged = (await db.Flags.Where(f => f.UserId == me && ids.Contains(f.ReviewId)).Select(f => f.ReviewId).ToListAsync(ct)).ToHashSet();
        return items.Select(r => PublicReviewResponse.From(r) with
        {
            Mine = r.IsAuthor(me),
            MarkedHelpfulByMe = helpful.Contains(r.Id),
            FlaggedByMe = flagged.Contains(r.Id),
        }).ToList();
    }
}
