using Microsoft.AspNetCore.Http.HttpResults;
using DaprPlatform.Monetary;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Tutoring.Domain;
using DaprPlatform.Tutoring.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Tutoring.Features;

public sealed record AvailabilityRuleBody(string Day, string Start, string End);

public sealed record AvailabilityBody(IReadOnlyList<AvailabilityRuleBody> Rules)
{
    public static AvailabilityBody From(WeeklyAvailability availability) =>
        new(availability.Rules.Select(r => new AvailabilityRuleBody(WeeklyAvailability.DayName(r.Day), r.StartText, r.EndText)).ToList());
}

/// <summary>
/// The tutor's rating over visible reviews: <c>average</c> to one decimal (null while there are none), <c>count</c>, and
/// <c>distribution</c> as reviews per star, <c>{"1": n, …, "5": n}</c>.
/// </summary>
public sealed record RatingBody(decimal? Average, int Count, IReadOnlyDictionary<string, int> Distribution)
{
    public static RatingBody From(TutorRating? rating) => new(
        rating?.Average,
        rating?.Count ?? 0,
        Enumerable.Range(ReviewSnapshot.MinStars, ReviewSnapshot.MaxStars).ToDictionary(
            stars => stars.ToString(System.Globalization.CultureInfo.InvariantCulture),
            stars => rating?.Distribution[stars - 1] ?? 0));
}

public sealed record TutorProfileResponse(
    Guid TutorId,
    string DisplayName,
    string Bio,
    IReadOnlyList<string> Subjects,
    MoneyPayload HourlyRate,
    string Timezone,
    AvailabilityBody Availability,
    RatingBody Rating,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The profile with its rating as projected now.</summary>
    public static async Task<TutorProfileResponse> ReadAsync(TutoringDbContext db, TutorProfile profile, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(profile);
        var rating = await db.TutorRatings.AsNoTracking().SingleOrDefaultAsync(r => r.TutorId == profile.TutorId, ct);
        return From(profile, rating);
    }

    /// <summary>The profile with its rating (null: no review of the tutor has been projected).</summary>
    public static TutorProfileResponse From(TutorProfile profile, TutorRating? rating) => new(
        profile.TutorId,
        profile.DisplayName,
        profile.Bio,
        profile.Subjects,
        MoneyPayload.From(profile.HourlyRate),
        profile.TimeZoneId,
        AvailabilityBody.From(profile.Availability),
        RatingBody.From(rating),
        profile.CreatedAt,
        profile.UpdatedAt);
}

public sealed record HoldResponse(
    Guid BookingId,
    Guid TutorId,
    string TutorName,
    Guid StudentId,
    DateTimeOffset Start,
    DateTimeOffset End,
    MoneyPayload Price,
    string Status,
    DateTimeOffset ExpiresAt)
{
    public static HoldResponse From(SlotHold hold, DateTimeOffset now) => new(
        hold.BookingId, hold.TutorId, hold.TutorName, hold.StudentId, hold.Start, hold.End,
        MoneyPayload.From(hold.Price), SlotHold.WireName(hold.StatusAt(now)), hold.ExpiresAt);
}

/// <summary>Problem answers specific to tutoring.</summary>
public static class TutoringProblems
{
    public const string SlotUnavailableType = "https://daprplatform.dev/problems/slot-unavailable";

    public static ConflictProblem SlotUnavailable(string detail) => new(detail, "The slot is not available.", SlotUnavailableType);

    public static NotFoundProblem NoProfile(Guid tutorId) => Problems.NotFound($"Tutor {tutorId} has no profile.");

    public static ForbiddenProblem TutorsOnly() => Problems.Forbidden("Only tutors have a tutor profile.");
}
