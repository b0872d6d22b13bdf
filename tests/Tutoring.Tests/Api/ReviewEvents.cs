using System.Text.Json;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Tutoring.Tests.Api;

/// <summary>One review event as reviews publishes it (the contract's shape), and its delivery to tutoring as daprd makes it.</summary>
public sealed record ReviewEvent(string Topic, Guid ReviewId, Guid TutorId, int Rating, string State, long Version)
{
    public static readonly DateTimeOffset Epoch = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    public object Data => new
    {
        reviewId = ReviewId,
        bookingId = ReviewId, // one booking per review: the projection does not read it
        tutorId = TutorId,
        studentId = ReviewId,
        studentName = "Sam Student",
        subject = "algebra",
        rating = Rating,
        comment = State == "deleted" ? null : $"{Rating} stars",
        state = State,
        version = Version,
        occurredAt = Epoch.AddMinutes(Version),
    };

    /// <summary>Delivers this event under <paramref name="eventId"/>; returns the app's status (SUCCESS / RETRY / DROP).</summary>
    public Task<string> DeliverAsync(HttpClient client, string eventId) => DeliverAsync(client, Topic, eventId, Data);

    public static async Task<string> DeliverAsync(HttpClient client, string topic, string eventId, object data)
    {
        using var envelope = CloudEventDelivery.Envelope(eventId, JsonSerializer.SerializeToElement(data, JsonSerializerOptions.Web), topic, source: "reviews");
        return await client.DeliverAsync("/events/" + topic.Replace('.', '-'), envelope);
    }
}

/// <summary>A tutor's rating as the public profile shows it.</summary>
public sealed record ShownRating(decimal? Average, int Count, IReadOnlyList<int> Distribution)
{
    public static ShownRating Read(JsonElement profile)
    {
        var rating = profile.GetProperty("rating");
        var average = rating.GetProperty("average");
        return new ShownRating(
            average.ValueKind == JsonValueKind.Null ? null : average.GetDecimal(),
            rating.GetProperty("count").GetInt32(),
            Enumerable.Range(1, 5).Select(stars => rating.GetProperty("distribution").GetProperty(stars.ToString(System.Globalization.CultureInfo.InvariantCulture)).GetInt32()).ToList());
    }

    public static async Task<ShownRating> OfAsync(TutoringFixture fx, Guid tutorId)
    {
        using var response = await fx.Anonymous().GetAsync($"/api/tutors/{tutorId}");
        response.EnsureSuccessStatusCode();
        return Read(await TutoringFixture.BodyAsync(response));
    }

    /// <summary>The naive rating: from each review's final state, the visible ones, mean rounded half away from zero with decimal.</summary>
    public static ShownRating Naive(IEnumerable<(int Stars, bool Visible)> finalStates)
    {
        var visible = finalStates.Where(r => r.Visible).Select(r => r.Stars).ToList();
        decimal? average = visible.Count == 0 ? null : Math.Round((decimal)visible.Sum() / visible.Count, 1, MidpointRounding.AwayFromZero);
        return new ShownRating(average, visible.Count, Enumerable.Range(1, 5).Select(s => visible.Count(v => v == s)).ToList());
    }

    // Records compare lists by reference; compare the numbers.
    public bool Same(ShownRating other) =>
        Average == other.Average && Count == other.Count && Distribution.SequenceEqual(other.Distribution);

    public override string ToString() => $"average {Average?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}, count {Count}, distribution [{string.Join(",", Distribution)}]";
}
