using Microsoft.AspNetCore.Http.HttpResults;
using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;
using Stripe;
using VoidAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<Microsoft.AspNetCore.Http.HttpResults.Ok<DaprPlatform.Payments.Features.PaymentResponse>, DaprPlatform.ServiceDefaults.NotFoundProblem, DaprPlatform.ServiceDefaults.StatusProblem>;

namespace DaprPlatform.Payments.Features;

/// <summary>
/// POST /internal/payments/{id}/void (internal; the saga's compensation after a decline or a timeout). Cancels the
/// PaymentIntent while no money moved; when it already succeeded — the webhook raced the saga's timeout — it refunds
/// what is left instead, so no payment stays captured for a booking that does not exist. Idempotent: a canceled or
/// refunded payment is answered as it is.
/// </summary>
public static class VoidPayment
{
    // Callers' keys look like "{instanceId}:{step}"; this one cannot collide with them.
    public const string RefundKey = "payments-internal:void";

    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/void", HandleAsync)
            .WithName("VoidPayment");

    public static string CancelIdempotencyKey(Guid paymentId) => $"payment-{paymentId}-cancel";

    public static string RefundIdempotencyKey(Guid paymentId) => $"payment-{paymentId}-void-refund";

    public static async Task<VoidAnswer> HandleAsync(
        Guid id,
        PaymentsDbContext db,
        StripeClient stripe,
        Outbox<PaymentsDbContext> outbox,
        TimeProvider time,
        CancellationToken ct) =>
        await db.RetryConcurrentChangeAsync(async Task<VoidAnswer> (CancellationToken token) =>
        {
            var payment = await db.Payments.SingleOrDefaultAsync(p => p.Id == id, token);
            if (payment is null)
            {
                return PaymentAccess.NotFound(id);
            }

            if (payment.Status is PaymentStatus.Canceled or PaymentStatus.Refunded)
            {
                return TypedResults.Ok(PaymentResponse.From(payment, withClientSecret: false));
            }

            if (stripe.ApiKey is null)
            {
                return StripeProblems.NotConfigured();
            }

            try
            {
                // Stripe's view first: our row may lag behind a webhook that has not arrived yet.
                var intent = await stripe.V1.PaymentIntents.GetAsync(payment.PaymentIntentId, cancellationToken: token);
                if (intent.Status is not ("succeeded" or "canceled"))
                {
                    intent = await CancelAsync(stripe, payment, token);
                }

                var now = time.GetUtcNow();
                PaymentIntentSync.Apply(payment, intent, outbox, now);
                if (payment.Refundable > 0)
                {
                    var refund = await stripe.V1.Refunds.CreateAsync(
                        RefundPayment.Options(payment, payment.Refundable, "voided"),
                        new RequestOptions { IdempotencyKey = RefundIdempotencyKey(payment.Id) },
                        token);
                    if (!await db.Refunds.AnyAsync(r => r.RefundId == refund.Id, token))
                    {
                        RefundPayment.RecordRefund(db, payment, refund, RefundKey, "voided", outbox, now);
                    }
                }
            }
            catch (StripeException e)
            {
                return StripeProblems.From(e);
            }
            catch (Exception e) when (StripeProblems.IsUnreachable(e, token))
            {
                return StripeProblems.Unreachable(e);
            }

            await db.SaveChangesAsync(token);
            if (payment.Status is not (PaymentStatus.Canceled or PaymentStatus.Refunded))
            {
                // E.g. still processing at Stripe, which can be neither canceled nor refunded yet; the saga retries.
                return Problems.Conflict($"The payment is {payment.Status.WireName()} at Stripe and cannot be voided yet; retry later.");
            }

            return TypedResults.Ok(PaymentResponse.From(payment, withClientSecret: false));
        }, () => PaymentAccess.KeptChanging(), ct);

    private static async Task<PaymentIntent> CancelAsync(StripeClient stripe, Payment payment, CancellationToken ct)
    {
        try
        {
            return await stripe.V1.PaymentIntents.CancelAsync(
                payment.PaymentIntentId,
                new PaymentIntentCancelOptions { CancellationReason = "abandoned" },
                new RequestOptions { IdempotencyKey = CancelIdempotencyKey(payment.Id) },
                ct);
        }
        catch (StripeException e) when (e.StripeError?.Code == "payment_intent_unexpected_state")
        {
            // It succeeded between our retrieve and the cancel; the caller refunds it.
            return await stripe.V1.PaymentIntents.GetAsync(payment.PaymentIntentId, cancellationToken: ct);
        }
    }
}
