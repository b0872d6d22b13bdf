using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Monetary;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Tutoring.Infrastructure;

namespace DaprPlatform.Tutoring.Features;

public sealed record SetPricingRequest(MoneyPayload? HourlyRate);

/// <summary>PUT /api/tutors/pricing — a new hourly rate for future holds; existing holds keep their price.</summary>
public static class SetPricing
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapPut("/pricing", HandleAsync)
            .RequireAuthorization()
            .WithName("SetTutorPricing");

    public static async Task<Results<Ok<TutorProfileResponse>, ValidationProblem, ForbiddenProblem, NotFoundProblem>> HandleAsync(SetPricingRequest? request, ClaimsPrincipal user, TutoringDbContext db, TimeProvider time, CancellationToken ct)
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
        var rate = ProfileFields.ReadRate(request?.HourlyRate, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        profile.Price(rate!.Value, time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(await TutorProfileResponse.ReadAsync(db, profile, ct));
    }
}
