using System.Globalization;
using DaprPlatform.Reviews.Domain;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Reviews.Features;

/// <summary>
/// One page of a review list (a tutor's, or a student's own): <c>cursor</c> and <c>limit</c> read the same way, keyset
/// order by <see cref="ReviewOrder"/>, and the <c>nextCursor</c> of a page (null on the last).
/// </summary>
public sealed record ReviewPage(ReviewOrder Order, ReviewCursor? After, int Limit)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 50;

    /// <summary>The page a request asks for; field errors on <paramref name="errors"/> (and null) when it cannot be read.</summary>
    public static ReviewPage? TryRead(ReviewOrder? order, string? cursor, string? limit, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
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

        return errors.IsEmpty && order is not null ? new ReviewPage(order.Value, after, pageSize) : null;
    }

    /// <summary>The reviews after the cursor in this page's order, one more than the limit (to know whether a page follows).</summary>
    public IQueryable<Review> Select(IQueryable<Review> reviews)
    {
        ArgumentNullException.ThrowIfNull(reviews);
        if (Order == ReviewOrder.Newest)
        {
            if (After is { } after)
            {
                reviews = reviews.Where(r => r.PostedAt < after.PostedAt || (r.PostedAt == after.PostedAt && r.Id.CompareTo(after.ReviewId) < 0));
            }

            return reviews.OrderByDescending(r => r.PostedAt).ThenByDescending(r => r.Id).Take(Limit + 1);
        }

        if (After is { } last)
        {
            reviews = reviews.Where(r => r.HelpfulCount < last.HelpfulCount
                || (r.HelpfulCount == last.HelpfulCount && (r.PostedAt < last.PostedAt
                    || (r.PostedAt == last.PostedAt && r.Id.CompareTo(last.ReviewId) < 0))));
        }

        return reviews.OrderByDescending(r => r.HelpfulCount).ThenByDescending(r => r.PostedAt).ThenByDescending(r => r.Id).Take(Limit + 1);
    }

    /// <summary>What <see cref="Select"/> fetched, cut to the limit, and the cursor of the next page (null on the last).</summary>
    public (IReadOnlyList<Review> Items, string? NextCursor) Cut(IReadOnlyList<Review> fetched)
    {
        ArgumentNullException.ThrowIfNull(fetched);
        if (fetched.Count <= Limit)
        {
            return (fetched, null);
        }

        var last = fetched[Limit - 1];
        return (fetched.Take(Limit).ToList(), new ReviewCursor(Order, last.HelpfulCount, last.PostedAt, last.Id).Encode());
    }
}
