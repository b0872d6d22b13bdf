namespace DaprPlatform.Reviews.Domain;

/// <summary>
/// A tutor's rating over their visible reviews: the average to one decimal (half away from zero; null without reviews),
/// the count, and how many reviews gave each of 1..5 stars.
/// </summary>
public sealed record RatingSummary(decimal? Average, int Count, IReadOnlyDictionary<int, int> Distribution)
{
    /// <param name="starCounts">How many visible reviews gave each rating (ratings outside 1..5 are not expected).</param>
    public static RatingSummary From(IReadOnlyDictionary<int, int> starCounts)
    {
        ArgumentNullException.ThrowIfNull(starCounts);
        var distribution = Enumerable.Range(Review.MinRating, Review.MaxRating)
            .ToDictionary(stars => stars, stars => starCounts.GetValueOrDefault(stars));
        var count = distribution.Values.Sum();
        long total = distribution.Sum(d => (long)d.Key * d.Value);
        decimal? average = count == 0 ? null : Math.Round((decimal)total / count, 1, MidpointRounding.AwayFromZero);
        return new RatingSummary(average, count, distribution);
    }
}
