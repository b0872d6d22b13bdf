using DaprPlatform.OutboxInbox;
using DaprPlatform.Reviews.Contracts;
using DaprPlatform.Reviews.Domain;
using DaprPlatform.Reviews.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Reviews.Features;

/// <summary>
/// Projects booking's events into <see cref="ReviewableBooking"/>: <c>booking.completed</c> makes a booking reviewable,
/// <c>booking.cancelled</c> of a completed booking withdraws that. Idempotent on the CloudEvent id (inbox), and each
/// change is idempotent itself, so a redelivery under a new id or the two events in either order end the same.
/// </summary>
public sealed partial class BookingEventProjection(ReviewsDbContext db, Inbox<ReviewsDbContext> inbox, TimeProvider time, ILogger<BookingEventProjection> logger)
{
    public const string CompletedConsumer = "reviews.booking-completed";
    public const string CancelledConsumer = "reviews.booking-cancelled";

    /// <summary>booking's wire name of the completed status (services/Booking/Domain/BookingStatus.cs).</summary>
    public const string CompletedStatus = "completed";

    public Task<SubscriberStatus> CompletedAsync(TopicEvent<BookingChanged> delivery, CancellationToken ct) =>
        ProjectAsync(delivery, CompletedConsumer, (booking, at) => booking.Complete(at), ct);

    public Task<SubscriberStatus> CancelledAsync(TopicEvent<BookingChanged> delivery, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        // Only a cancellation of a completed booking concerns reviews; any other booking was never reviewable.
        return delivery.Data.PreviousStatus == CompletedStatus
            ? ProjectAsync(delivery, CancelledConsumer, (booking, at) => booking.Cancel(at), ct)
            : Task.FromResult(SubscriberStatus.Success);
    }

    private async Task<SubscriberStatus> ProjectAsync(
        TopicEvent<BookingChanged> delivery, string consumer, Func<ReviewableBooking, DateTimeOffset, bool> apply, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var (data, eventId) = delivery;
        if (Facts(data) is not { } facts)
        {
            LogInvalidEvent(logger, consumer, eventId);
            return SubscriberStatus.Drop;
        }

        var at = data.OccurredAt ?? time.GetUtcNow();
        var result = await inbox.ProcessOnceAsync(eventId, consumer, async token =>
        {
            var booking = await db.ReviewableBookings.SingleOrDefaultAsync(b => b.BookingId == facts.BookingId, token);
            if (booking is null)
            {
                booking = ReviewableBooking.From(facts);
                db.ReviewableBookings.Add(booking);
            }

            apply(booking, at);
        }, ct);
        if (result == InboxResult.Duplicate)
        {
            LogDuplicate(logger, consumer, eventId);
        }

        return SubscriberStatus.Success;
    }

    private static BookingFacts? Facts(BookingChanged data) =>
        data.BookingId == Guid.Empty || data.StudentId == Guid.Empty || data.TutorId == Guid.Empty
        || string.IsNullOrWhiteSpace(data.StudentName) || string.IsNullOrWhiteSpace(data.TutorName) || string.IsNullOrWhiteSpace(data.Subject)
            ? null
            : new BookingFacts(data.BookingId, data.StudentId, data.StudentName.Trim(), data.TutorId, data.TutorName.Trim(), data.Subject.Trim());

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Consumer}: dropping event {EventId}, it does not describe a booking")]
    private static partial void LogInvalidEvent(ILogger logger, string consumer, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Consumer}: event {EventId} was already processed")]
    private static partial void LogDuplicate(ILogger logger, string consumer, string eventId);
}
