using Microsoft.AspNetCore.Http.HttpResults;
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

    public static NotFoundProblem NotFound(Guid id) => Problems.NotFound($"Payment {id} was not found.");

    /// <summary>
    /// The answer when a load → Stripe → apply → save unit met a concurrent change of the same payment three times
    /// (<see cref="DatabaseConflicts.RetryConcurrentChangeAsync"/>). Repeating the unit is safe: every Stripe POST in it uses
    /// a deterministic idempotency key, so Stripe answers a repeat with the first call's result rather than acting twice.
    /// </summary>
    public static ConflictProblem KeptChanging() =>
        Problems.Conflict("The payment kept changing while this request ran; repeat it with the same idempotency key.");

    /// <summary>The <c>Idempotency-Key</c> header as the saga sends it (<c>{instanceId}:{step}</c>).</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";
}
