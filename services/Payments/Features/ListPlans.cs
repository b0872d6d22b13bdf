using DaprPlatform.Payments.Domain;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprPlatform.Payments.Features;

/// <summary>GET /api/plans — the catalogue, cheapest first (anonymous: a pricing page needs no account).</summary>
public static class ListPlans
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/plans", Handle).AllowAnonymous().WithTags("Plans").WithName("ListPlans");

    public static Ok<List<PlanResponse>> Handle(PlanCatalogue catalogue)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        return TypedResults.Ok(catalogue.Plans.Select(PlanResponse.From).ToList());
    }
}
