using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Monetary;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Tutoring.Domain;
using DaprPlatform.Tutoring.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Tutoring.Features;

public sealed record AvailabilityRequest(IReadOnlyList<SubmittedRule?>? Rules);

public sealed record CreateProfileRequest(
    string? DisplayName, string? Bio, IReadOnlyList<string?>? Subjects, MoneyPayload? HourlyRate, string? Timezone, AvailabilityRequest? Availability);

/// <summary>POST /api/tutors/profile — a tutor publishes their profile (one per tutor).</summary>
public static class CreateProfile
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapPost("/profile", HandleAsync)
            .RequireAuthorization()
            .WithName("CreateTutorProfile");

    public static async Task<Results<Created<TutorProfileResponse>, ValidationProblem, ForbiddenProblem, ConflictProblem>> HandleAsync(CreateProfileRequest? request, ClaimsPrincipal user, TutoringDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (!user.IsInRole(PlatformRoles.Tutor))
        {
            return TutoringProblems.TutorsOnly();
        }

        var errors = new ValidationErrors();
        if (request is null)
        {
            errors.Add("body", "A JSON object with bio, subjects, hourlyRate and timezone is required.");
            return errors.ToProblem();
        }

        var displayName = TutorProfileRules.CheckDisplayName(request.DisplayName ?? user.FindFirst(PlatformClaims.Name)?.Value, out var nameError);
        if (nameError is not null)
        {
            errors.Add("displayName", nameError);
        }

        var bio = TutorProfileRules.CheckBio(request.Bio, out var bioError);
        if (bioError is not null)
        {
            errors.Add("bio", bioError);
        }

        var fieldErrors = new List<(string Field, string Message)>();
        var subjects = TutorProfileRules.CheckSubjects(request.Subjects, "subjects", fieldErrors);
        var rate = ProfileFields.ReadRate(request.HourlyRate, errors);
        var zone = TutorProfileRules.CheckTimeZone(request.Timezone, out var zoneError);
        if (zoneError is not null)
        {
            errors.Add("timezone", zoneError);
        }

        var availability = WeeklyAvailability.Empty;
        if (request.Availability is not null)
        {
            fieldErrors.AddRange(WeeklyAvailability.Check(request.Availability.Rules, out var checkedAvailability, "availability.rules"));
            availability = checkedAvailability ?? WeeklyAvailability.Empty;
        }

        foreach (var (field, message) in fieldErrors)
        {
            errors.Add(field, message);
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var tutorId = user.GetUserId();
        if (await db.Tutors.AnyAsync(t => t.TutorId == tutorId, ct))
        {
            return AlreadyExists(tutorId);
        }

        var profile = TutorProfile.Create(tutorId, displayName!, bio!, subjects!, rate!.Value, zone!, availability, time.GetUtcNow());
        db.Tutors.Add(profile);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation(TutoringDbContext.TutorsPrimaryKey))
        {
            return AlreadyExists(tutorId);
        }

        return TypedResults.Created($"/api/tutors/{tutorId}", await TutorProfileResponse.ReadAsync(db, profile, ct));
    }

    private static ConflictProblem AlreadyExists(Guid tutorId) =>
        Problems.Conflict($"Tutor {tutorId} already has a profile; change it with PATCH /api/tutors/profile.");
}

/// <summary>Field checks shared by the profile endpoints.</summary>
public static class ProfileFields
{
    public static Money? ReadRate(MoneyPayload? body, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var rate = errors.ReadMoney(body, "hourlyRate");
        if (rate is { } value && TutorProfileRules.CheckRate(value) is { } rateError)
        {
            errors.Add("hourlyRate.amount", rateError);
            return null;
        }

        return rate;
    }

    /// <summary>The calling tutor's own profile, tracked for a change; null when they have none yet.</summary>
    public static Task<TutorProfile?> FindOwnAsync(ClaimsPrincipal user, TutoringDbContext db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var tutorId = user.GetUserId();
        return db.Tutors.SingleOrDefaultAsync(t => t.TutorId == tutorId, ct);
    }
}
