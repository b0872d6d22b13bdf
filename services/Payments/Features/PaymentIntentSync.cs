using DaprPlatform.Payments.Contracts;
using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.OutboxInbox;
using Stripe;

namespace DaprPlatform.Payments.Features;

/// <summary>
/// Brings a payment in line with what Stripe says about its PaymentIntent (a confirm answer, a retrieve, a webhook) and
/// enqueues the payment.* event of each transition that is news, in the caller's unit of work.
/// </summary>
public static class PaymentIntentSync
{
    /// <returns>True when the payment changed.</returns>
    public static bool Apply(Payment payment, PaymentIntent intent, Outbox<PaymentsDbContext> outbox, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(payment);
        ArgumentNullException.ThrowIfNull(intent);
        ArgumentNullException.ThrowIfNull(outbox);
        switch (intent.Status)
        {
            case "succeeded":
                return Succeeded(payment, outbox, now);
            case "processing" or "requires_capture":
                return payment.MarkProcessing(now);
            case "canceled":
                return payment.MarkCanceled(now);
            case "requires_payment_method" when intent.LastPaymentError is { } error:
                return Failed(payment, error.DeclineCode ?? error.Code, error.Message, outbox, now);
            default:
                return false;
        }
    }

    public static bool Succeeded(Payment payment, Outbox<PaymentsDbContext> outbox, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(payment);
        ArgumentNullException.ThrowIfNull(outbox);
        if (!payment.MarkSucceeded(now))
        {
            return false;
        }

        outbox.Enqueue(PaymentEvent.SucceededTopic, PaymentEvent.Of(payment, now));
        return true;
    }

    public static bool Failed(Payment payment, string? code, string? message, Outbox<PaymentsDbContext> outbox, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(payment);
        ArgumentNullException.ThrowIfNull(outbox);
        if (!payment.MarkFailed(code, message, now))
        {
            return false;
        }

        outbox.Enqueue(PaymentEvent.FailedTopic, PaymentEvent.Of(payment, now));
        return true;
    }

    /// <summary>Announces a grown refunded total.</summary>
    public static void Refunded(Payment payment, Outbox<PaymentsDbContext> outbox, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(payment);
        ArgumentNullException.ThrowIfNull(outbox);
        outbox.Enqueue(PaymentEvent.RefundedTopic, PaymentEvent.Of(payment, now));
    }
}
