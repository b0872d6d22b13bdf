using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Payments.Features;

/// <summary>GET /api/payments/{id} — the paying student (with the client secret) or an admin; anyone else gets 404.</summary>
public static class GetPayment
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapGet("/{id:guid}", HandleAsync).WithName("GetPayment");

    public static async Task<Results<Ok<PaymentResponse>, NotFoundProblem>> HandleAsync(Guid id, ClaimsPrincipal user, PaymentsDbContext db, CancellationToken ct)
    {
        var payment = await PaymentAccess.FindVisibleAsync(db, id, user, ct);
        return payment is null
            ? PaymentAccess.NotFound(id)
            : TypedResults.Ok(PaymentResponse.From(payment, withClientSecret: payment.StudentId == user.GetUserId()));
    }
}
