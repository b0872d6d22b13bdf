using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;
using Xunit.Abstractions;

namespace DaprPlatform.Tutoring.Tests.Api;

/// <summary>
/// Property: whatever order review events arrive in, however often, the projected rating equals a naive computation from
/// each review's final state. Each case is a seeded random history of several reviews (post, edits, hides, restores, a
/// delete; versions growing by one), delivered in a random permutation with random redeliveries (same CloudEvent id) and
/// republishes (a new id, as a replay from scratch makes), one at a time or several at once. A failing case names its
/// seed; RATING_PROPERTY_SEED=&lt;seed&gt; runs that case alone.
/// </summary>
public sealed class RatingPropertyTests(TutoringFixture fx, ITestOutputHelper output) : IClassFixture<TutoringFixture>
{
    private const int Cases = 60;
    private const int BaseSeed = 20261207;

    [Fact]
    public async Task The_rating_equals_a_naive_recount_of_final_states_for_any_delivery_order_and_duplicates()
    {
        var seeds = await SeededCases.RunAsync("RATING_PROPERTY_SEED", BaseSeed, Cases, RunCaseAsync);

        output.WriteLine($"{seeds.Count} cases passed (seeds {seeds[0]}..{seeds[^1]}).");
    }

    private async Task RunCaseAsync(int seed)
    {
        var random = new Random(seed);
        var tutorId = await fx.CreateTutorAsync();
        var histories = Enumerable.Range(0, random.Next(1, 7)).Select(_ => History(random, NewGuid(random), tutorId)).ToList();
        var expected = ShownRating.Naive(histories.Select(h => h[^1]).Select(e => (e.Rating, e.State == "visible")));

        // Every event once, each under its own CloudEvent id; then redeliveries and republishes of random ones.
        var deliveries = histories.SelectMany(h => h).Select(e => (Event: e, Id: NewGuid(random).ToString())).ToList();
        var extra = random.Next(0, deliveries.Count + 1);
        for (var i = 0; i < extra; i++)
        {
            var (e, id) = deliveries[random.Next(deliveries.Count)];
            deliveries.Add((e, random.Next(2) == 0 ? id : NewGuid(random).ToString()));
        }

        Shuffle(random, deliveries);
        var parallel = random.Next(1, 5);
        using var client = fx.Anonymous();
        foreach (var batch in deliveries.Chunk(parallel))
        {
            var statuses = await Task.WhenAll(batch.Select(d => d.Event.DeliverAsync(client, d.Id)));
            statuses.Should().OnlyContain(s => s == "SUCCESS");
        }

        var shown = await ShownRating.OfAsync(fx, tutorId);
        shown.Same(expected).Should().BeTrue(
            "seed {0}: {1} reviews, {2} deliveries {3} at a time; projected {4}, naive {5}",
            seed, histories.Count, deliveries.Count, parallel, shown, expected);
    }

    /// <summary>A review's events, version 1 (posted, visible) upwards; a delete ends it.</summary>
    private static List<ReviewEvent> History(Random random, Guid reviewId, Guid tutorId)
    {
        var current = new ReviewEvent(PlatformTopics.ReviewPosted, reviewId, tutorId, random.Next(1, 6), "visible", 1);
        var events = new List<ReviewEvent> { current };
        var changes = random.Next(0, 7);
        for (var i = 0; i < changes && current.State != "deleted"; i++)
        {
            var version = current.Version + 1;
            current = random.Next(10) switch
            {
                < 4 => current with { Topic = PlatformTopics.ReviewEdited, Rating = random.Next(1, 6), Version = version },
                < 8 when current.State == "visible" => current with { Topic = PlatformTopics.ReviewHidden, State = "hidden", Version = version },
                < 8 => current with { Topic = PlatformTopics.ReviewRestored, State = "visible", Version = version },
                _ => current with { Topic = PlatformTopics.ReviewDeleted, State = "deleted", Version = version },
            };
            events.Add(current);
        }

        return events;
    }

    private static Guid NewGuid(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }

    private static void Shuffle<T>(Random random, List<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
