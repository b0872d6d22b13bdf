using System.Globalization;
using DaprPlatform.OutboxInbox;
using DaprPlatform.Payments.Contracts;
using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Stripe;
using Payout = DaprPlatform.Payments.Domain.Payout;
using TransferAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Ok<DaprPlatform.Payments.Features.PayoutResponse>,
    DaprPlatform.ServiceDefaults.NotFoundProblem,
    DaprPlatform.ServiceDefaults.StatusProblem>;

namespace DaprPlatform.Payments.Features;

/// <summary>
/// POST /internal/payouts/{id}/transfer (internal; the payout saga's Transfer step) — makes a pending payout's Stripe
/// Transfer to the tutor's Express account and records the outcome with its event (payout.completed or payout.failed).
/// The Stripe idempotency key is the payout's tutor + period (<see cref="Payout.TransferKey"/>), so a repeat after a
/// crash gets the same transfer back, never a second one; a payout already decided answers as it is. Stripe refusing
/// the transfer (no capability, no funds) fails the payout — its entries are paid next period —, while Stripe being
/// unreachable is 502 and leaves it pending for the saga to repeat.
/// </summary>
public static class TransferPayout
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/transfer", HandleAsync).WithName("TransferPayout");

    public static async Task<TransferAnswer> HandleAsync(
        Guid id, PaymentsDbContext db, StripeClient stripe, Outbox<PaymentsDbContext> outbox, TimeProvider time, CancellationToken ct)
    {
        Transfer? made = null;
        string? refusal = null;
        return await db.RetryConcurrentChangeAsync(async Task<TransferAnswer> (CancellationToken token) =>
        {
            var payout = await db.Payouts.SingleOrDefaultAsync(p => p.Id == id, token);
            if (payout is null)
            {
                return Problems.NotFound($"Payout {id} was not found.");
            }

            if (payout.Status != PayoutStatus.Pending)
            {
                return TypedResults.Ok(PayoutResponse.From(payout));
            }

            if (made is null && refusal is null)
            {
                var account = await db.PayoutAccounts.AsNoTracking().SingleOrDefaultAsync(a => a.TutorId == payout.TutorId, token);
                if (account is null)
                {
                    refusal = "no_payout_account: the tutor has not connected a payout account.";
                }
                else if (stripe.ApiKey is null)
                {
                    return StripeProblems.NotConfigured();
                }
                else
                {
                    try
                    {
                        made = await stripe.V1.Transfers.CreateAsync(Options(payout, account), new RequestOptions { IdempotencyKey = payout.TransferKey }, token);
                    }
                    catch (StripeException e) when (!e.IsUpstreamFailure() && e.StripeError?.Type is "invalid_request_error" or "idempotency_error")
                    {
                        refusal = $"{e.StripeError.Code ?? e.StripeError.Type}: {e.StripeError.Message}";
                    }
                    catch (StripeException e)
                    {
                        return StripeProblems.From(e);
                    }
                    catch (Exception e) when (StripeProblems.IsUnreachable(e, token))
                    {
                        return StripeProblems.Unreachable(e);
                    }
                }
            }

            var now = time.GetUtcNow();
            var changed = made is not null ? payout.Complete(made.Id, now) : payout.Fail(refusal!, now);
            if (changed)
            {
                outbox.Enqueue(made is not null ? PayoutEvent.CompletedTopic : PayoutEvent.FailedTopic, PayoutEvent.Of(payout, now));
            }

            await db.SaveChangesAsync(token);
            return TypedResults.Ok(PayoutResponse.From(payout));
        }, () => Problems.Conflict("The payout kept changing while this request ran; repeat it."), ct);
    }

    /// <summary>The transfer of a payout: its amount to the tutor's account, grouped and labelled by tutor and period.</summary>
    public static TransferCreateOptions Options(Payout payout, PayoutAccount account)
    {
        ArgumentNullException.ThrowIfNull(payout);
        ArgumentNullException.ThrowIfNull(account);
        return new TransferCreateOptions
        {
            Amount = payout.Amount,
            Currency = payout.Currency.ToLowerInvariant(),
            Destination = account.StripeAccountId,
            TransferGroup = payout.TransferKey,
            Description = string.Create(CultureInfo.InvariantCulture, $"Tutor payout {payout.PeriodStart:u} – {payout.PeriodEnd:u}"),
            Metadata = new()
            {
                ["payout_id"] = payout.Id.ToString(),
                ["tutor_id"] = payout.TutorId.ToString(),
            },
        };
    }
}
