using Microsoft.AspNetCore.Http.HttpResults;
using DaprPlatform.Monetary;
using DaprPlatform.Payments.Contracts;
using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.OutboxInbox;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Stripe;
using RefundAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<Microsoft.AspNetCore.Http.HttpResults.Ok<DaprPlatform.Payments.Features.RefundResponse>, Microsoft.AspNetCore.Http.HttpResults.ValidationProblem, DaprPlatform.ServiceDefaults.NotFoundProblem, DaprPlatform.ServiceDefaults.StatusProblem>;

namespace DaprPlatform.Payments.Features;

/// <param name="Amount">Default: everything not yet refunded.</param>
/// <param name="Reason">Free text kept with the refund and sent to Stripe as metadata.</param>
public sealed record RefundPaymentRequest(MoneyPayload? Amount, string? Reason);

/// <summary>
/// POST /internal/payments/{id}/refund (internal; the cancellation saga's Refund step). The caller's Idempotency-Key is
/// required: it names the refund, so a repeated call answers 200 with the refund already made instead of a second one.
/// </summary>
public static class RefundPayment
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/refund", HandleAsync)
            .WithName("RefundPayment");

    public static string StripeIdempotencyKey(Guid paymentId, string callerKey) => $"payment-{paymentId}-refund-{callerKey}";

    public static async Task<RefundAnswer> HandleAsync(
        Guid id,
        [FromHeader(Name = PaymentAccess.IdempotencyKeyHeader)] string? idempotencyKey,
        [FromBody] RefundPaymentRequest? request,
        PaymentsDbContext db,
        StripeClient stripe,
        Outbox<PaymentsDbContext> outbox,
        TimeProvider time,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var key = idempotencyKey?.Trim();
        if (string.IsNullOrEmpty(key))
        {
            errors.Add(PaymentAccess.IdempotencyKeyHeader, "The Idempotency-Key header is required on refunds.");
        }
        else if (key.Length > PaymentRefund.MaxIdempotencyKeyLength || key.Any(char.IsControl))
        {
            errors.Add(PaymentAccess.IdempotencyKeyHeader, $"Idempotency-Key must be at most {PaymentRefund.MaxIdempotencyKeyLength} printable characters.");
        }

        Money? amount = null;
        if (request?.Amount is not null)
        {
            amount = errors.ReadMoney(request.Amount, "amount", minimum: 1, maximum: PaymentLimits.MaxMinorUnits);
        }

        var reason = string.IsNullOrWhiteSpace(request?.Reason) ? null : request.Reason.Trim();
        if (reason is { Length: > PaymentRefund.MaxReasonLength })
        {
            errors.Add("reason", $"reason must be at most {PaymentRefund.MaxReasonLength} characters.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        // Once Stripe has made the refund, a retry after a concurrent update (typically this refund's own charge.refunded
        // webhook landing first) must only record it: re-checking what is left would refuse the refund it just made.
        Refund? made = null;
        return await db.RetryConcurrentChangeAsync(async Task<RefundAnswer> (CancellationToken token) =>
        {
            var payment = await db.Payments.SingleOrDefaultAsync(p => p.Id == id, token);
            if (payment is null)
            {
                return PaymentAccess.NotFound(id);
            }

            if (await ReplayAsync(db, payment, key!, token) is { } replay)
            {
                return replay;
            }

            if (made is null)
            {
                if (Refusal(payment, amount, stripe.ApiKey is not null) is { } refusal)
                {
                    return refusal;
                }

                try
                {
                    made = await stripe.V1.Refunds.CreateAsync(
                        Options(payment, amount?.MinorUnits ?? payment.Refundable, reason),
                        new RequestOptions { IdempotencyKey = StripeIdempotencyKey(payment.Id, key!) },
                        token);
                }
                catch (StripeException e) when (e.StripeError?.Type == "invalid_request_error" && !e.IsUpstreamFailure())
                {
                    // E.g. charge_already_refunded: Stripe's view of what is left differs from ours.
                    return Problems.Conflict($"Stripe refused the refund: {e.StripeError.Message} [{e.StripeError.Code}]");
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

            var refund = made;
            var now = time.GetUtcNow();
            RecordRefund(db, payment, refund, key!, reason, outbox, now);
            try
            {
                await db.SaveChangesAsync(token);
            }
            catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException
                && e.IsUniqueViolation(PaymentsDbContext.UniqueRefundKeyIndex, PaymentsDbContext.RefundsPrimaryKey))
            {
                // The same refund call ran concurrently and recorded it first.
                db.ChangeTracker.Clear();
                var winner = await db.Payments.AsNoTracking().SingleAsync(p => p.Id == id, token);
                return await ReplayAsync(db, winner, key!, token) ?? throw new InvalidOperationException("The recorded refund vanished.", e);
            }

            return TypedResults.Ok(new RefundResponse(payment.Id, refund.Id, MoneyPayload.From(new Money(refund.Amount, payment.AmountMoney.Currency)), PaymentResponse.From(payment, withClientSecret: false)));
        }, () => PaymentAccess.KeptChanging(), ct);
    }

    /// <summary>Why this refund cannot be made (currency, nothing or not enough left, no Stripe key), or null.</summary>
    private static RefundAnswer? Refusal(Payment payment, Money? amount, bool stripeConfigured)
    {
        if (amount is { } requested && requested.Currency.Code != payment.Currency)
        {
            var mismatch = new ValidationErrors();
            mismatch.Add("amount.currency", $"The payment is in {payment.Currency}; a refund must be too.");
            return mismatch.ToProblem();
        }

        if (payment.Refundable <= 0)
        {
            return Problems.Conflict($"A {payment.Status.WireName()} payment has nothing to refund.");
        }

        if ((amount?.MinorUnits ?? payment.Refundable) > payment.Refundable)
        {
            return Problems.Conflict($"Only {new Money(payment.Refundable, payment.AmountMoney.Currency)} is left to refund.");
        }

        if (stripeConfigured)
        {
            return null;
        }

        return StripeProblems.NotConfigured();
    }

    /// <summary>Records a refund Stripe made (once per refund id) and announces the new total.</summary>
    public static void RecordRefund(PaymentsDbContext db, Payment payment, Refund refund, string key, string? reason, Outbox<PaymentsDbContext> outbox, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(payment);
        ArgumentNullException.ThrowIfNull(refund);
        db.Refunds.Add(PaymentRefund.Record(refund.Id, payment.Id, refund.Amount, refund.Status ?? "pending", key, reason, now));
        if (payment.RecordRefund(refund.Amount, now))
        {
            PaymentIntentSync.Refunded(payment, outbox, now);
        }
    }

    /// <summary>A refund of <paramref name="amount"/> of the payment's intent; our reason travels as metadata.</summary>
    public static RefundCreateOptions Options(Payment payment, long amount, string? reason)
    {
        ArgumentNullException.ThrowIfNull(payment);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["payment_id"] = payment.Id.ToString(),
            ["booking_id"] = payment.BookingId.ToString(),
        };
        if (reason is not null)
        {
            metadata["reason"] = reason;
        }

        return new RefundCreateOptions { PaymentIntent = payment.PaymentIntentId, Amount = amount, Reason = "requested_by_customer", Metadata = metadata };
    }

    private static async Task<Ok<RefundResponse>?> ReplayAsync(PaymentsDbContext db, Payment payment, string key, CancellationToken ct)
    {
        var earlier = await db.Refunds.AsNoTracking().SingleOrDefaultAsync(r => r.PaymentId == payment.Id && r.IdempotencyKey == key, ct);
        return earlier is null
            ? null
            : TypedResults.Ok(new RefundResponse(
                payment.Id, earlier.RefundId, MoneyPayload.From(new Money(earlier.Amount, payment.AmountMoney.Currency)), PaymentResponse.From(payment, withClientSecret: false)));
    }
}
