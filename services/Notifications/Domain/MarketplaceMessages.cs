using System.Globalization;
using DaprPlatform.Monetary;
using DaprPlatform.Notifications.Contracts;

namespace DaprPlatform.Notifications.Domain;

/// <summary>One notification for one person.</summary>
public sealed record PartyMessage(Guid UserId, string Kind, string Title, string Body);

/// <summary>
/// What the tutoring marketplace's events say to whom: a confirmed booking to both parties; a cancellation to the student,
/// and to the tutor only when the booking had been confirmed; a failed payment and a refund to the student.
/// </summary>
public static class MarketplaceMessages
{
    public const string BookingConfirmedKind = "booking-confirmed";
    public const string BookingCancelledKind = "booking-cancelled";
    public const string PaymentFailedKind = "payment-failed";
    public const string PaymentRefundedKind = "payment-refunded";
    public const string ReviewPostedKind = "review-posted";

    public static IReadOnlyList<PartyMessage> BookingConfirmed(BookingChanged booking)
    {
        ArgumentNullException.ThrowIfNull(booking);
        var when = When(booking);
        return
        [
            new(booking.StudentId, BookingConfirmedKind, $"Booked: {booking.Subject} with {booking.TutorName}",
                $"Your {booking.Subject} session with {booking.TutorName} on {when} is confirmed. You paid {Format(booking.Price)}."),
            new(booking.TutorId, BookingConfirmedKind, $"New booking: {booking.Subject} with {booking.StudentName}",
                $"{booking.StudentName} booked a {booking.Subject} session with you on {when}."),
        ];
    }

    public static IReadOnlyList<PartyMessage> BookingCancelled(BookingChanged booking)
    {
        ArgumentNullException.ThrowIfNull(booking);
        var when = When(booking);
        var refund = booking.Refund is { Amount: > 0 } r ? $" {Format(r)} is being refunded." : string.Empty;
        var reason = string.IsNullOrWhiteSpace(booking.CancellationReason) ? string.Empty : $" Reason: {booking.CancellationReason}.";
        var messages = new List<PartyMessage>
        {
            new(booking.StudentId, BookingCancelledKind, $"Cancelled: {booking.Subject} with {booking.TutorName}",
                $"Your {booking.Subject} session with {booking.TutorName} on {when} was cancelled.{reason}{refund}"),
        };
        if (WasConfirmed(booking))
        {
            messages.Add(new(booking.TutorId, BookingCancelledKind, $"Cancelled: {booking.Subject} with {booking.StudentName}",
                $"The {booking.Subject} session with {booking.StudentName} on {when} was cancelled.{reason} The slot is free again."));
        }

        return messages;
    }

    public static IReadOnlyList<PartyMessage> PaymentFailed(PaymentChanged payment)
    {
        ArgumentNullException.ThrowIfNull(payment);
        var why = string.IsNullOrWhiteSpace(payment.FailureMessage) ? payment.FailureCode ?? "the payment was not accepted" : payment.FailureMessage.TrimEnd('.');
        return [new(payment.StudentId, PaymentFailedKind, $"Payment of {Format(payment.Amount)} failed", $"Your payment did not go through: {why}. You have not been charged.")];
    }

    public static IReadOnlyList<PartyMessage> PaymentRefunded(PaymentChanged payment)
    {
        ArgumentNullException.ThrowIfNull(payment);
        var refunded = payment.Refunded ?? payment.Amount;
        return [new(payment.StudentId, PaymentRefundedKind, $"Refund of {Format(refunded)}", $"{Format(refunded)} of your {Format(payment.Amount)} payment is on its way back to you.")];
    }

    /// <summary>A new review of a tutor → the tutor (none for an event that names no tutor or a rating outside 1–5).</summary>
    public static IReadOnlyList<PartyMessage> ReviewPosted(ReviewChanged review)
    {
        ArgumentNullException.ThrowIfNull(review);
        if (review.Rating is < 1 or > 5)
        {
            return [];
        }

        var student = string.IsNullOrWhiteSpace(review.StudentName) ? "A student" : review.StudentName;
        var session = string.IsNullOrWhiteSpace(review.Subject) ? "a session" : $"your {review.Subject} session";
        var stars = new string('★', review.Rating) + new string('☆', 5 - review.Rating);
        var comment = string.IsNullOrWhiteSpace(review.Comment) ? string.Empty : $" “{review.Comment.Trim()}”";
        return [new(review.TutorId, ReviewPostedKind, $"New review: {stars} from {student}", $"{student} rated {session} {review.Rating} of 5.{comment}")];
    }

    /// <summary>A refund, or a cancellation the parties asked for, can only happen to a confirmed booking.</summary>
    private static bool WasConfirmed(BookingChanged booking) =>
        string.Equals(booking.PreviousStatus, "confirmed", StringComparison.OrdinalIgnoreCase)
        || string.Equals(booking.Status, "refunded", StringComparison.OrdinalIgnoreCase);

    private static string When(BookingChanged booking) =>
        booking.Start.UtcDateTime.ToString("ddd d MMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>Major units with the currency's own digits (<c>45.00 USD</c>, <c>4500 JPY</c>); an amount it cannot read is shown as sent.</summary>
    public static string Format(MoneyPayload money)
    {
        ArgumentNullException.ThrowIfNull(money);
        return money.TryRead(long.MinValue, long.MaxValue, out _, out _) is { } amount
            ? amount.ToString()
            : $"{money.Amount?.ToString(CultureInfo.InvariantCulture) ?? "?"} {money.Currency} (minor units)";
    }
}
