using DaprPlatform.Monetary;
using DaprPlatform.OutboxInbox;
using DaprPlatform.Payments.Contracts;
using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Payments.Features;

/// <summary>
/// booking.completed → the tutor's earning: the price minus the platform fee (<see cref="EarningRules"/>), once per
/// booking (inbox on the CloudEvent id, and the ledger's unique (booking, refund level)); a refund that came first is
/// reversed at once.
/// </summary>
public sealed partial class RecordEarning(PaymentsDbContext db, Inbox<PaymentsDbContext> inbox, IOptions<PayoutOptions> options, TimeProvider time, ILogger<RecordEarning> logger)
{
    public const string Consumer = "payments.booking-completed";

    public async Task<SubscriberStatus> HandleAsync(TopicEvent<BookingCompleted> delivery, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var (data, eventId) = delivery;
        var price = data.Price?.TryRead(1, PaymentLimits.MaxMinorUnits, out _, out _);
        if (data.BookingId == Guid.Empty || data.TutorId == Guid.Empty || price is not Money earned || data.Status is not (null or "completed"))
        {
            LogInvalid(logger, eventId);
            return SubscriberStatus.Drop;
        }

        await inbox.ProcessOnceAsync(eventId, Consumer, async token =>
        {
            if (await db.Ledger.AnyAsync(e => e.BookingId == data.BookingId && e.Kind == LedgerEntryKind.Earning, token))
            {
                // Another delivery of the same completion under a new CloudEvent id: one earning per booking.
                return;
            }

            var now = time.GetUtcNow();
            var earning = LedgerEntry.Earning(data.TutorId, data.BookingId, earned, options.Value.PlatformFeePercent, data.OccurredAt, now);
            db.Ledger.Add(earning);
            await db.SaveChangesAsync(token);
            await BookingEarnings.SyncRefundsAsync(db, data.BookingId, now, token);
        }, ct);
        return SubscriberStatus.Success;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "booking.completed {EventId} names no booking, tutor or price: dropped")]
    private static partial void LogInvalid(ILogger logger, string eventId);
}
