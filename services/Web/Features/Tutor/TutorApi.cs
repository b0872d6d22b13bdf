using System.Globalization;
using DaprPlatform.Web.Infrastructure.Services;

namespace DaprPlatform.Web.Features.Tutor;

/// <summary>A weekly rule on the wire: <c>{"day":"monday","start":"09:00","end":"17:00"}</c>, local to the tutor's zone.</summary>
public sealed record AvailabilityRuleBody(string Day, string Start, string End);

public sealed record AvailabilityBody(IReadOnlyList<AvailabilityRuleBody> Rules);

/// <summary>Money in minor units on the wire: <c>{"amount":4000,"currency":"USD"}</c> is 40.00 USD.</summary>
public sealed record MoneyBody(long Amount, string Currency);

/// <summary>A tutor's profile as tutoring answers it (<c>GET /api/tutors/{id}</c> and every profile write).</summary>
public sealed record TutorProfileBody(
    Guid TutorId,
    string DisplayName,
    string Bio,
    IReadOnlyList<string> Subjects,
    MoneyBody HourlyRate,
    string Timezone,
    AvailabilityBody Availability,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The profile's zone; the browser's when this machine does not know it (never expected: tutoring checks ids).</summary>
    public TimeZoneInfo ZoneOr(TimeZoneInfo fallback) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(Timezone, out var zone) ? zone : fallback;
}

public sealed record CreateTutorProfile(string? DisplayName, string Bio, IReadOnlyList<string> Subjects, MoneyBody HourlyRate, string Timezone);

/// <summary>PATCH body: every field is sent, so the profile becomes exactly what the form shows.</summary>
public sealed record UpdateTutorProfile(string? DisplayName, string Bio, IReadOnlyList<string> Subjects, string Timezone);

/// <summary>A lesson as booking lists it (<c>GET /api/bookings?as=tutor</c>).</summary>
public sealed record LessonBody(
    Guid BookingId,
    Guid StudentId,
    string StudentName,
    string Subject,
    DateTimeOffset Start,
    DateTimeOffset End,
    int DurationMinutes,
    MoneyBody Price,
    string Status);

public sealed record LessonPage(IReadOnlyList<LessonBody> Items, int Page, int PageSize, int Total)
{
    public int PageCount => Math.Max(1, (int)Math.Ceiling(Total / (double)PageSize));
}

/// <summary>The tutor pages' calls to tutoring and booking, as the signed-in tutor, through this app's sidecar.</summary>
public sealed class TutorApi(ServiceCalls services)
{
    public const string TutoringAppId = "tutoring";
    public const string BookingAppId = "booking";
    public const int LessonsPerPage = 20;

    /// <summary>The public profile; a 404 problem means the tutor has not created one yet.</summary>
    public Task<ApiResult<TutorProfileBody>> GetProfileAsync(Guid tutorId, CancellationToken ct) =>
        services.GetAsync<TutorProfileBody>(TutoringAppId, $"api/tutors/{tutorId}", ct);

    public Task<ApiResult<TutorProfileBody>> CreateProfileAsync(CreateTutorProfile profile, CancellationToken ct) =>
        services.SendAsync<TutorProfileBody>(HttpMethod.Post, TutoringAppId, "api/tutors/profile", profile, ct);

    public Task<ApiResult<TutorProfileBody>> UpdateProfileAsync(UpdateTutorProfile profile, CancellationToken ct) =>
        services.SendAsync<TutorProfileBody>(HttpMethod.Patch, TutoringAppId, "api/tutors/profile", profile, ct);

    public Task<ApiResult<TutorProfileBody>> SetPricingAsync(MoneyBody hourlyRate, CancellationToken ct) =>
        services.SendAsync<TutorProfileBody>(HttpMethod.Put, TutoringAppId, "api/tutors/pricing", new { hourlyRate }, ct);

    /// <summary>Replaces the weekly rules; an empty list makes the tutor not bookable.</summary>
    public Task<ApiResult<TutorProfileBody>> SetAvailabilityAsync(IReadOnlyList<AvailabilityRuleBody> rules, CancellationToken ct) =>
        services.SendAsync<TutorProfileBody>(HttpMethod.Put, TutoringAppId, "api/tutors/availability", new AvailabilityBody(rules), ct);

    /// <summary>The tutor's own lessons, newest start first.</summary>
    public Task<ApiResult<LessonPage>> GetLessonsAsync(int page, CancellationToken ct) =>
        services.GetAsync<LessonPage>(BookingAppId,
            string.Create(CultureInfo.InvariantCulture, $"api/bookings?as=tutor&page={page}&pageSize={LessonsPerPage}"), ct);
}

public static class TutorFeatures
{
    /// <summary>IANA ids this machine knows, for the time-zone field's suggestions (tutoring accepts only IANA ids).</summary>
    public static IReadOnlyList<string> TimeZoneIds { get; } = TimeZoneInfo.GetSystemTimeZones()
        .Where(z => z.HasIanaId)
        .Select(z => z.Id)
        .Order(StringComparer.Ordinal)
        .ToArray();
}
