using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Payments.Features;

/// <summary>
/// Runs a load → Stripe → apply → save unit again when another request changed the same payment in between (the
/// xmin token). Repeating is safe: every Stripe POST inside uses a deterministic idempotency key, so Stripe answers
/// the repeat with the result of the first call rather than acting twice.
/// </summary>
public static class ConcurrentUpdates
{
    public static Task<IResult> RunAsync(PaymentsDbContext db, Func<CancellationToken, Task<IResult>> unit, CancellationToken ct) =>
        db.RetryConcurrentChangeAsync(
            unit,
            () => Problems.Conflict("The payment kept changing while this request ran; repeat it with the same idempotency key."),
            ct);
}
