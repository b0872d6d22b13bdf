using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Payments.Features;

/// <summary>
/// Runs a load → Stripe → apply → save unit again when another request changed the same payment in between (the
/// xmin token). Repeating is safe: every Stripe POST inside uses a deterministic idempotency key, so Stripe answers
/// the repeat with the result of the first call rather than acting twice.
/// </summary>
public static class ConcurrentUpdates
{
    private const int Attempts = 3;

    public static async Task<IResult> RunAsync(PaymentsDbContext db, Func<CancellationToken, Task<IResult>> unit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(unit);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await unit(ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt < Attempts)
            {
                db.ChangeTracker.Clear();
            }
            catch (DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear();
                return Problems.Conflict("The payment kept changing while this request ran; repeat it with the same idempotency key.");
            }
        }
    }
}
