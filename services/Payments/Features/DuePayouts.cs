using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Payments.Features;

/// <summary>The tutors a period's payouts are for.</summary>
public sealed record DuePayoutsResponse(IReadOnlyList<Guid> TutorIds);

/// <summary>
/// GET /internal/payouts/due?before= (internal; the payout calendar) — the tutors with an enabled payout account and
/// ledger entries before <c>before</c> that no payout settles: whom a period's payout saga runs for.
/// </summary>
public static class DuePayouts
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapGet("/due", HandleAsync).WithName("DuePayouts");

    public static async Task<Results<Ok<DuePayoutsResponse>, ValidationProblem>> HandleAsync(DateTimeOffset? before, PaymentsDbContext db, CancellationToken ct)
    {
        if (before is not { } end || end.Offset != TimeSpan.Zero)
        {
            var errors = new ValidationErrors();
            errors.Add("before", "before is required: the end of the period, in UTC (e.g. 2026-12-07T00:00:00Z).");
            return errors.ToProblem();
        }

        var unsettled = PayoutLedger.Unsettled(db, end);
        var tutors = await db.PayoutAccounts.AsNoTracking()
            .Where(a => a.PayoutsEnabled && a.TransfersActive)
            .Where(a => unsettled.Any(e => e.TutorId == a.TutorId))
            .OrderBy(a => a.TutorId)
            .Select(a => a.TutorId)
            .ToListAsync(ct);
        return TypedResults.Ok(new DuePayoutsResponse(tutors));
    }
}
