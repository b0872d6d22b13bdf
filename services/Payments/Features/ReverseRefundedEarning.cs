using DaprPlatform.OutboxInbox;
using DaprPlatform.Payments.Contracts;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Payments.Features;

/// <summary>
/// payment.refunded (payments' own event, through the outbox and back) → the refunded share of the booking's earning
/// is taken back: a reversal while it is unpaid, a clawback from the next payout once it was paid out. The payment's
/// refunded total is read from the database, not the event, so late or repeated events change nothing.
/// </summary>
public sealed class ReverseRefundedEarning(PaymentsDbContext db, Inbox<PaymentsDbContext> inbox, TimeProvider time)
{
    public const string Consumer = "payments.payment-refunded";

    public async Task<SubscriberStatus> HandleAsync(TopicEvent<PaymentEvent> delivery, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var (data, eventId) = delivery;
        if (data.BookingId == Guid.Empty)
        {
            return SubscriberStatus.Drop;
        }

        await inbox.ProcessOnceAsync(eventId, Consumer, token => BookingEarnings.SyncRefundsAsync(db, data.BookingId, time.GetUtcNow(), token), ct);
        return SubscriberStatus.Success;
    }
}
