using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Tutoring.Domain;
using DaprPlatform.Tutoring.Infrastructure;

namespace DaprPlatform.Tutoring.Features;

/// <summary>PUT /api/tutors/availability — replaces the weekly rules (local to the tutor's timezone); [] = not bookable.</summary>
public static class SetAvailability
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapPut("/availability", HandleAsync)
            .RequireAuthorization()
            .WithName("SetTutorAvailability");

    public static async Task<Results<Ok<TutorProfileResponse>, ValidationProblem, ForbiddenProblem, NotFoundProblem>> HandleAsync(AvailabilityRequest? request, ClaimsPrincipal user, TutoringDbContext db, TimeProvider time, CancellationToken ct)
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
        var problems = WeeklyAvailability.Check(request?.Rules, out var availability);
        foreach (var (field, message) in problems)
        {
            errors.Add(field, message);
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        // Existing holds and bookings stay: they were agreed under the old rules.
        profile.SetAvailability(availability!, time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(await TutorProfileResponse.ReadAsync(db, profile, ct));
    }
}
