using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using DaprPlatform.Tutoring.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Tutoring.Features;

/// <summary>GET /api/tutors/{id} — a public profile (anonymous callers allowed: it is a marketplace listing).</summary>
public static class GetTutor
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapGet("/{id:guid}", HandleAsync)
            .AllowAnonymous()
            .WithName("GetTutor");

    public static async Task<Results<Ok<TutorProfileResponse>, NotFoundProblem>> HandleAsync(Guid id, TutoringDbContext db, CancellationToken ct)
    {
        var profile = await db.Tutors.AsNoTracking().SingleOrDefaultAsync(t => t.TutorId == id, ct);
        return profile is null ? TutoringProblems.NoProfile(id) : TypedResults.Ok(await TutorProfileResponse.ReadAsync(db, profile, ct));
    }
}
