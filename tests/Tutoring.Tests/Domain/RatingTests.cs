using DaprPlatform.Tutoring.Domain;

namespace DaprPlatform.Tutoring.Tests.Domain;

public sealed class RatingTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 7, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    // one star … five stars, expected average: the exact mean rounded to one decimal, half away from zero
    [InlineData(new[] { 0, 0, 0, 0, 0 }, null)]
    [InlineData(new[] { 0, 0, 0, 0, 1 }, "5.0")]
    [InlineData(new[] { 0, 0, 0, 3, 1 }, "4.3")] // 4.25 → 4.3 (half away from zero, not to even)
    [InlineData(new[] { 0, 0, 1, 0, 3 }, "4.5")] // 4.5 exactly
    [InlineData(new[] { 0, 0, 0, 2, 1 }, "4.3")] // 4.333… → 4.3
    [InlineData(new[] { 0, 0, 1, 2, 0 }, "3.7")] // 3.666… → 3.7
    [InlineData(new[] { 1, 0, 0, 0, 19 }, "4.8")] // 4.8 exactly
    [InlineData(new[] { 0, 0, 0, 19, 1 }, "4.1")] // 4.05 → 4.1
    [InlineData(new[] { 0, 0, 0, 39, 1 }, "4.0")] // 4.025 → 4.0
    [InlineData(new[] { 1, 1, 1, 1, 1 }, "3.0")]
    public void The_average_is_the_exact_mean_rounded_half_away_from_zero(int[] distribution, string? expected)
    {
        var average = TutorRating.AverageOf(distribution);

        average?.ToString(System.Globalization.CultureInfo.InvariantCulture).Should().Be(expected);
        if (expected is null) { average.Should().BeNull(); }
    }

    [Fact]
    public void The_rounding_matches_decimal_rounding_of_the_mean_for_every_small_distribution()
    {
        // Every distribution of up to 6 reviews per star: the integer rule equals decimal's half-away-from-zero rounding.
        var counts = Enumerable.Range(0, 7).ToArray();
        foreach (var a in counts)
        foreach (var b in counts)
        foreach (var c in counts)
        foreach (var d in counts)
        foreach (var e in counts)
        {
            int[] distribution = [a, b, c, d, e];
            var n = distribution.Sum();
            decimal? exact = n == 0 ? null : Math.Round((a + (2m * b) + (3m * c) + (4m * d) + (5m * e)) / n, 1, MidpointRounding.AwayFromZero);
            TutorRating.AverageOf(distribution).Should().Be(exact, "distribution {0}", string.Join(",", distribution));
        }
    }

    [Fact]
    public void Recount_sets_count_average_and_distribution()
    {
        var rating = TutorRating.Unrated(Guid.NewGuid(), Now);

        rating.Recount(new Dictionary<int, int> { [5] = 2, [2] = 1 }, Now);

        rating.Count.Should().Be(3);
        rating.Average.Should().Be(4.0m);
        rating.Distribution.Should().Equal(0, 1, 0, 0, 2);
        FluentActions.Invoking(() => rating.Recount(new Dictionary<int, int> { [6] = 1 }, Now)).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void A_review_keeps_its_highest_version_and_a_deleted_one_stays_deleted_against_older_events()
    {
        var reviewId = Guid.NewGuid();
        var tutorId = Guid.NewGuid();
        ReviewSnapshot At(long version, int stars, ReviewState state) => new(reviewId, tutorId, stars, state, version, Now.AddMinutes(version));

        var review = ReviewRating.From(At(3, 4, ReviewState.Deleted));

        review.Apply(At(1, 5, ReviewState.Visible)).Should().BeFalse("a late post must not bring a deleted review back");
        review.Apply(At(3, 2, ReviewState.Visible)).Should().BeFalse("an equal version changes nothing");
        review.State.Should().Be(ReviewState.Deleted);
        review.Counts.Should().BeFalse();
        review.Apply(At(4, 2, ReviewState.Visible)).Should().BeTrue();
        (review.Stars, review.Version, review.Counts).Should().Be((2, 4L, true));
    }

    [Theory]
    [InlineData("visible", 1, 1, true)]
    [InlineData("hidden", 5, 7, true)]
    [InlineData("deleted", 3, 2, true)]
    [InlineData("Visible", 3, 1, false)]
    [InlineData("gone", 3, 1, false)]
    [InlineData(null, 3, 1, false)]
    [InlineData("visible", 0, 1, false)]
    [InlineData("visible", 6, 1, false)]
    [InlineData("visible", 3, 0, false)]
    public void A_snapshot_needs_a_known_state_stars_1_to_5_and_a_positive_version(string? state, int stars, long version, bool readable)
    {
        (ReviewSnapshot.TryRead(Guid.NewGuid(), Guid.NewGuid(), stars, state, version, Now) is not null).Should().Be(readable);
        ReviewSnapshot.TryRead(Guid.Empty, Guid.NewGuid(), 3, "visible", 1, Now).Should().BeNull();
        ReviewSnapshot.TryRead(Guid.NewGuid(), Guid.Empty, 3, "visible", 1, Now).Should().BeNull();
    }
}
