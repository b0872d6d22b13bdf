using System.Globalization;
using DaprPlatform.Reviews.Domain;
using DaprPlatform.Reviews.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Reviews.Features;

/// <summary>A review as the public sees it: no student id, no booking id.</summary>
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
/// reviews a page at a time (<c>nextCursor</c> fetches the next; null on the last page) and the rating summary over all of them.
/// </summary>
public static class ListTutorReviews
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 50;

    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapGet("/tutor/{tutorId:guid}", HandleAsync).AllowAnonymous().WithName("ListTutorReviews");

    public static async Task<Results<Ok<TutorReviewsResponse>, ValidationProblem>> HandleAsync(
        Guid tutorId,
        string? sort,
        string? cursor,
        string? limit,
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

        var after = string.IsNullOrEmpty(cursor) || order is null ? null : ReviewCursor.TryDecode(cursor, order.Value);
        if (!string.IsNullOrEmpty(cursor) && order is not null && after is null)
        {
            errors.Add("cursor", "cursor must be a nextCursor of this list, with the same sort.");
        }

        var pageSize = DefaultLimit;
        if (!string.IsNullOrEmpty(limit)
            && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxLimit))
        {
            errors.Add("limit", $"limit must be a whole number from 1 to {MaxLimit}.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var visible = db.Reviews.AsNoTracking().Where(r => r.TutorId == tutorId && r.State == ReviewState.Visible);
        var page = await Page(visible, order!.Value, after).Take(pageSize + 1).ToListAsync(ct);
        var next = page.Count > pageSize
            ? new ReviewCursor(order.Value, page[pageSize - 1].HelpfulCount, page[pageSize - 1].PostedAt, page[pageSize - 1].Id).Encode()
            : null;
        var starCounts = await visible.GroupBy(r => r.Rating).Select(g => new { Stars = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Stars, g => g.Count, ct);
        return TypedResults.Ok(new TutorReviewsResponse(
            tutorId,
            RatingSummary.From(starCounts),
            page.Take(pageSize).Select(PublicReviewResponse.From).ToList(),
            next));
    }

    private static IQueryable<Review> Page(IQueryable<Review> visible, ReviewOrder order, ReviewCursor? after)
    {
        if (order == ReviewOrder.Newest)
        {
            if (after is not null)
            {
                visible = visible.Where(r => r.PostedAt < after.PostedAt || (r.PostedAt == after.PostedAt && r.Id.CompareTo(after.ReviewId) < 0));
            }

            return visible.OrderByDescending(r => r.PostedAt).ThenByDescending(r => r.Id);
        }

        if (after is not null)
        {
            visible = visible.Where(r => r.HelpfulCount < after.HelpfulCount
                || (r.HelpfulCount == after.HelpfulCount && (r.PostedAt < after.PostedAt
                    || (r.PostedAt == after.PostedAt && r.Id.CompareTo(after.ReviewId) < 0))));
        }

        return visible.OrderByDescending(r => r.HelpfulCount).ThenByDescending(r => r.PostedAt).ThenByDescending(r => r.Id);
    }
}
