using Microsoft.AspNetCore.Http.HttpResults;
using DaprPlatform.Monetary;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Tutoring.Domain;

namespace DaprPlatform.Tutoring.Features;

public sealed record AvailabilityRuleBody(string Day, string Start, string End);

public sealed record AvailabilityBody(IReadOnlyList<AvailabilityRuleBody> Rules)
{
    public static AvailabilityBody From(WeeklyAvailability availability) =>
        new(availability.Rules.Select(r => new AvailabilityRuleBody(WeeklyAvailability.DayName(r.Day), r.StartText, r.EndText)).ToList());
}

/// <summary>Filled by the review projection once reviews exist; null until then.</summary>
public sealed record TutorRating(decimal Average, int Count);

public sealed record TutorProfileResponse(
    Guid TutorId,
    string DisplayName,
    string Bio,
    IReadOnlyList<string> Subjects,
    MoneyPayload HourlyRate,
    string Timezone,
    AvailabilityBody Availability,
    TutorRating? Rating,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static TutorProfileResponse From(TutorProfile profile) => new(
        profile.TutorId,
        profile.DisplayName,
        profile.Bio,
        profile.Subjects,
        MoneyPayload.From(profile.HourlyRate),
        profile.TimeZoneId,
        AvailabilityBody.From(profile.Availability),
        null,
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
