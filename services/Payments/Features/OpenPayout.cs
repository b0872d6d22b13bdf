using DaprPlatform.Monetary;
using DaprPlatform.OutboxInbox;
using DaprPlatform.Payments.Contracts;
using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Payments.Features;

/// <param name="PeriodStart">UTC, inclusive.</param>
/// <param name="PeriodEnd">UTC, exclusive: entries that happened before it are paid.</param>
public sealed record OpenPayoutRequest(Guid? TutorId, DateTimeOffset? PeriodStart, DateTimeOffset? PeriodEnd);

/// <summary>
/// POST /internal/payouts (internal; the payout saga's Balance step) — the tutor's payout for a period: the unsettled
/// ledger entries before the period's end, summed (in the currency of the oldest; others wait for a later period),
/// recorded pending with the entries it settles and announced (payout.initiated), or skipped below the minimum and
/// carried forward. One per (tutor, period): a repeat answers 200 with the payout as it is now. A tutor's payouts are
/// opened one at a time (a transaction-scoped advisory lock), so no entry is settled by two payouts.
/// </summary>
public static class OpenPayout
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapPost("/", HandleAsync).WithName("OpenPayout");

    public static async Task<Results<Created<PayoutResponse>, Ok<PayoutResponse>, ValidationProblem>> HandleAsync(
        OpenPayoutRequest? request, PaymentsDbContext db, Outbox<PaymentsDbContext> outbox, IOptions<PayoutOptions> options, TimeProvider time, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (request?.TutorId is not { } tutorId || tutorId == Guid.Empty)
        {
            errors.Add("tutorId", "tutorId is required.");
            tutorId = Guid.Empty;
        }

        if (request?.PeriodStart is not { } start)
        {
            errors.Add("periodStart", "periodStart is required (UTC).");
            start = default;
        }

        if (request?.PeriodEnd is not { } end)
        {
            errors.Add("periodEnd", "periodEnd is required (UTC).");
            end = default;
        }

        if (errors.IsEmpty && Payout.PeriodProblem(start, end) is { } problem)
        {
            errors.Add("periodEnd", problem);
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async token =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(token);
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({TutorLockKey(tutorId)})", token);
            var id = Payout.IdFor(tutorId, start, end);
            if (await db.Payouts.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, token) is { } existing)
            {
                return (Results<Created<PayoutResponse>, Ok<PayoutResponse>, ValidationProblem>)TypedResults.Ok(PayoutResponse.From(existing));
            }

            var now = time.GetUtcNow();
            var (settled, balance) = await PayoutLedger.PayableAsync(db, tutorId, end, options.Value.EmptyPayoutCurrency, token);
            var payout = Payout.Open(tutorId, start, end, balance, options.Value.MinimumAmount, now);
            db.Payouts.Add(payout);
            if (payout.Status == PayoutStatus.Pending)
            {
                db.PayoutClaims.AddRange(settled.Select(e => new PayoutClaim(payout.Id, e.Id)));
                outbox.Enqueue(PayoutEvent.InitiatedTopic, PayoutEvent.Of(payout, now));
            }

            await db.SaveChangesAsync(token);
            await transaction.CommitAsync(token);
            return TypedResults.Created($"/api/payouts/{payout.Id}", PayoutResponse.From(payout));
        }, ct);
    }

    /// <summary>The advisory lock key of a tutor's payouts: the first eight bytes of the tutor id.</summary>
    public static long TutorLockKey(Guid tutorId) => BitConverter.ToInt64(tutorId.ToByteArray(), 0);
}
