using System.Security.Claims;
using DaprPlatform.Monetary;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Tutoring.Infrastructure;

namespace DaprPlatform.Tutoring.Features;

public sealed record SetPricingRequest(MoneyPayload? HourlyRate);

/// <summary>PUT /api/tutors/pricing — a new hourly rate for future holds; existing holds keep their price.</summary>
public static class SetPricing
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPut("/pricing", HandleAsync)
            .RequireAuthorization()
            .WithName("SetTutorPricing")
            .Produces<TutorProfileResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

    public static async Task<IResult> HandleAsync(SetPricingRequest? request, ClaimsPrincipal user, TutoringDbContext db, TimeProvider time, CancellationToken ct)
    {
        var (profile, refusal) = await ProfileFields.FindOwnAsync(user, db, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var errors = new ValidationErrors();
        var rate = ProfileFields.ReadRate(request?.HourlyRate, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        profile!.Price(rate!.Value, time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(TutorProfileResponse.From(profile!));
    }
}
