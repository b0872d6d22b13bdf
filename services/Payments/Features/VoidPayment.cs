using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.Payments.Infrastructure.Stripe;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Messaging;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Payments.Features;

/// <summary>
/// POST /api/payments/{id}/void (internal; the saga's compensation after a decline or a timeout). Cancels the
/// PaymentIntent while no money moved; when it already succeeded — the webhook raced the saga's timeout — it refunds
/// what is left instead, so no payment stays captured for a booking that does not exist. Idempotent: a canceled or
/// refunded payment is answered as it is.
/// </summary>
public static class VoidPayment
{
    // Callers' keys look like "{instanceId}:{step}"; this one cannot collide with them.
    public const string RefundKey = "payments-internal:void";

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/void", HandleAsync)
            .RequireInternalCaller()
            .WithName("VoidPayment");

    public static string CancelIdempotencyKey(Guid paymentId) => $"payment-{paymentId}-cancel";

    public static string RefundIdempotencyKey(Guid paymentId) => $"payment-{paymentId}-void-refund";

    public static async Task<IResult> HandleAsync(
        Guid id,
        PaymentsDbContext db,
        StripeApi stripe,
        Outbox<PaymentsDbContext> outbox,
        TimeProvider time,
        CancellationToken ct) =>
        await ConcurrentUpdates.RunAsync(db, async token =>
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

            if (!stripe.IsConfigured)
            {
                return StripeProblems.NotConfigured();
            }

            try
            {
                // Stripe's view first: our row may lag behind a webhook that has not arrived yet.
                var intent = await stripe.RetrievePaymentIntentAsync(payment.PaymentIntentId, token);
                if (intent.Status is not ("succeeded" or "canceled"))
                {
                    intent = await CancelAsync(stripe, payment, token);
                }

                var now = time.GetUtcNow();
                PaymentIntentSync.Apply(payment, intent, outbox, now);
                if (payment.Refundable > 0)
                {
                    var refund = await stripe.CreateRefundAsync(
                        new RefundCreate(payment.PaymentIntentId, payment.Refundable, "requested_by_customer", RefundPayment.Metadata(payment, "voided")),
                        RefundIdempotencyKey(payment.Id),
                        token);
                    if (!await db.Refunds.AnyAsync(r => r.RefundId == refund.Id, token))
                    {
                        RefundPayment.RecordRefund(db, payment, refund, RefundKey, "voided", outbox, now);
                    }
                }
            }
            catch (StripeApiException e)
            {
                return StripeProblems.From(e);
            }

            await db.SaveChangesAsync(token);
            if (payment.Status is not (PaymentStatus.Canceled or PaymentStatus.Refunded))
            {
                // E.g. still processing at Stripe, which can be neither canceled nor refunded yet; the saga retries.
                return Problems.Conflict($"The payment is {payment.Status.WireName()} at Stripe and cannot be voided yet; retry later.");
            }

            return TypedResults.Ok(PaymentResponse.From(payment, withClientSecret: false));
        }, ct);

    private static async Task<PaymentIntent> CancelAsync(StripeApi stripe, Payment payment, CancellationToken ct)
    {
        try
        {
            return await stripe.CancelPaymentIntentAsync(payment.PaymentIntentId, "abandoned", CancelIdempotencyKey(payment.Id), ct);
        }
        catch (StripeApiException e) when (e.Code == "payment_intent_unexpected_state")
        {
            // It succeeded between our retrieve and the cancel; the caller refunds it.
            return await stripe.RetrievePaymentIntentAsync(payment.PaymentIntentId, ct);
        }
    }
}
