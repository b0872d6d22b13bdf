using System.Security.Claims;
using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Payments.Features;

/// <summary>Loads payments for callers; a payment the caller may not see is indistinguishable from a missing one.</summary>
public static class PaymentAccess
{
    public static async Task<Payment?> FindVisibleAsync(PaymentsDbContext db, Guid id, ClaimsPrincipal user, CancellationToken ct)
    {
        var payment = await db.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct);
        return payment is not null && payment.IsVisibleTo(user.GetUserId(), user.IsAdmin()) ? payment : null;
    }

    public static IResult NotFound(Guid id) => Problems.NotFound($"Payment {id} was not found.");

    /// <summary>The <c>Idempotency-Key</c> header as the saga sends it (<c>{instanceId}:{step}</c>).</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";
}
