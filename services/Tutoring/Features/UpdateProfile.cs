using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Tutoring.Domain;
using DaprPlatform.Tutoring.Infrastructure;

namespace DaprPlatform.Tutoring.Features;

/// <summary>Fields left out (or null) keep their value.</summary>
public sealed record UpdateProfileRequest(string? DisplayName, string? Bio, IReadOnlyList<string?>? Subjects, string? Timezone);

/// <summary>PATCH /api/tutors/profile — the tutor edits their profile text, subjects or timezone.</summary>
public static class UpdateProfile
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapPatch("/profile", HandleAsync)
            .RequireAuthorization()
            .WithName("UpdateTutorProfile");

    public static async Task<Results<Ok<TutorProfileResponse>, ValidationProblem, ForbiddenProblem, NotFoundProblem>> HandleAsync(UpdateProfileRequest? request, ClaimsPrincipal user, TutoringDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (!user.IsInRole(PlatformRoles.Tutor))
        {
            return TutoringProblems.TutorsOnly();
        }

        if (await ProfileFields.FindOwnAsync(user, db, ct) is not { } profile)
        {
            return TutoringProblems.NoProfile(user.GetUserId());
        }

        var errors = new ValidationErrors();
        if (request is null)
        {
            errors.Add("body", "A JSON object with any of displayName, bio, subjects, timezone is required.");
            return errors.ToProblem();
        }

        string? displayName = null, bio = null;
        if (request.DisplayName is not null && (displayName = TutorProfileRules.CheckDisplayName(request.DisplayName, out var nameError)) is null)
        {
            errors.Add("displayName", nameError!);
        }

        if (request.Bio is not null && (bio = TutorProfileRules.CheckBio(request.Bio, out var bioError)) is null)
        {
            errors.Add("bio", bioError!);
        }

        List<string>? subjects = null;
        if (request.Subjects is not null)
        {
            var fieldErrors = new List<(string Field, string Message)>();
            subjects = TutorProfileRules.CheckSubjects(request.Subjects, "subjects", fieldErrors);
            foreach (var (field, message) in fieldErrors)
            {
                errors.Add(field, message);
            }
        }

        TimeZoneInfo? zone = null;
        if (request.Timezone is not null && (zone = TutorProfileRules.CheckTimeZone(request.Timezone, out var zoneError)) is null)
        {
            errors.Add("timezone", zoneError!);
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var now = time.GetUtcNow();
        if (displayName is not null)
        {
            profile.Rename(displayName, now);
        }

        if (bio is not null)
        {
            profile.Describe(bio, now);
        }

        if (subjects is not null)
        {
            profile.Teach(subjects, now);
        }

        if (zone is not null)
        {
            profile.MoveTo(zone, now);
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(await TutorProfileResponse.ReadAsync(db, profile, ct));
    }
}
