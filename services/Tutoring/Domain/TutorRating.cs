namespace DaprPlatform.Tutoring.Domain;

/// <summary>
/// A tutor's rating over their visible reviews: how many, the average to one decimal and how many of each star.
/// Recounted from the reviews' latest states, so it is the same whatever order the review events came in.
/// </summary>
public sealed class TutorRating
{
    private TutorRating()
    {
        Distribution = new int[ReviewSnapshot.MaxStars];
    }

    public Guid TutorId { get; private set; }
    public int Count { get; private set; }

    /// <summary>Null while no review counts.</summary>
    public decimal? Average { get; private set; }

    /// <summary>Reviews per star: index 0 is one star, index 4 five stars.</summary>
    public int[] Distribution { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public static TutorRating Unrated(Guid tutorId, DateTimeOffset now) => new() { TutorId = tutorId, UpdatedAt = Instants.ToStoragePrecision(now) };

    /// <summary>Sets the rating from the visible reviews' stars (star → how many reviews).</summary>
    public void Recount(IReadOnlyDictionary<int, int> visibleByStars, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(visibleByStars);
        var distribution = new int[ReviewSnapshot.MaxStars];
        foreach (var (stars, count) in visibleByStars)
        {
            if (stars is < ReviewSnapshot.MinStars or > ReviewSnapshot.MaxStars || count < 0)
            {
                throw new ArgumentException($"{count} reviews of {stars} stars cannot be counted.", nameof(visibleByStars));
            }

            distribution[stars - 1] = count;
        }

        Distribution = distribution;
        Count = distribution.Sum();
        Average = AverageOf(distribution);
        UpdatedAt = Instants.ToStoragePrecision(now);
    }

    /// <summary>
    /// The exact mean of the stars rounded to one decimal, half away from zero (4.25 → 4.3, 4.24 → 4.2), in integers so
    /// no binary or decimal fraction can move a midpoint: tenths = (20·sum + count) div (2·count).
    /// </summary>
    public static decimal? AverageOf(IReadOnlyList<int> distribution)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        long count = 0, sum = 0;
        for (var i = 0; i < distribution.Count; i++)
        {
            count += distribution[i];
            sum += (long)(i + 1) * distribution[i];
        }

        if (count == 0)
        {
            return null;
        }

        var tenths = ((20 * sum) + count) / (2 * count);
        return new decimal((int)tenths, 0, 0, false, 1); // scale 1: 4 stars reads 4.0

    }
}
