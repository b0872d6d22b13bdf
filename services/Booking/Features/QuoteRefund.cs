using Microsoft.AspNetCore.Http.HttpResults;
using System.Globalization;
using System.Security.Claims;
using DaprPlatform.Booking.Contracts;
using DaprPlatform.Booking.Domain;
using DaprPlatform.Booking.Infrastructure;
using DaprPlatform.Monetary;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Booking.Features;

/// <param name="PaymentId">The payment to refund (the cancellation saga knows only the booking).</param>
public sealed record RefundQuoteResponse(Guid BookingId, MoneyPayload Refund, int Percent, double HoursBeforeStart, Guid? PaymentId);

/// <summary>
/// GET /internal/bookings/{id}/refund-quote?at=&amp;requestedBy=student|tutor — what the refund policy gives back for a
/// cancellation requested at <c>at</c>. The cancellation saga asks once and keeps the answer in its history. Only a
/// confirmed booking has a payment to refund by policy; any other state is 409 illegal-transition.
/// </summary>
public static class QuoteRefund
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder steps) => steps.MapGet("/{id:guid}/refund-quote", HandleAsync);

    /// <summary>
    /// GET /api/bookings/{id}/refund-quote — what cancelling now would give back, for the booking's student or tutor (404 for
    /// anyone else), so a person sees the refund before they confirm. The quote is for the caller's side and this moment.
    /// </summary>
    public static RouteHandlerBuilder MapPublic(RouteGroupBuilder api) =>
        api.MapGet("/{id:guid}/refund-quote", HandlePublicAsync).WithName("QuoteRefund");

    public static async Task<Results<Ok<RefundQuoteResponse>, NotFoundProblem, ConflictProblem>> HandlePublicAsync(
        Guid id,
        ClaimsPrincipal user,
        BookingDbContext db,
        RefundCalculator calculator,
        TimeProvider time,
        CancellationToken ct)
    {
        var booking = await db.Bookings.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id, ct);
        var userId = user.GetUserId();
        // Only the parties can cancel, so only they are quoted; an admin or a stranger is told the booking does not exist.
        if (booking is null || !booking.IsParticipant(userId))
        {
            return BookingProblems.NotFound(id);
        }

        if (booking.Status != BookingStatus.Confirmed)
        {
            return BookingProblems.IllegalTransition(new IllegalBookingTransitionException(booking.Id, booking.Status, "be refunded by policy"));
        }

        var requester = userId == booking.StudentId ? CancellationRequester.Student : CancellationRequester.Tutor;
        var quote = calculator.Quote(booking.Price, booking.Start, time.GetUtcNow(), requester);
        return TypedResults.Ok(new RefundQuoteResponse(booking.Id, MoneyPayload.From(quote.Refund), quote.Percent, quote.HoursBeforeStart, booking.PaymentId));
    }

    public static async Task<Results<Ok<RefundQuoteResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> HandleAsync(
        Guid id,
        string? at,
        string? requestedBy,
        BookingDbContext db,
        RefundCalculator calculator,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(at))
        {
            errors.Add("at", "at is required (an ISO-8601 time).");
        }
        else if (!DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
        {
            errors.Add("at", "at must be an ISO-8601 time, e.g. 2026-01-01T10:00:00Z.");
        }

        if (!TryParseRequester(requestedBy, out var requester))
        {
            errors.Add("requestedBy", "requestedBy must be student or tutor.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var booking = await db.Bookings.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id, ct);
        if (booking is null)
        {
            return BookingProblems.NotFound(id);
        }

        if (booking.Status != BookingStatus.Confirmed)
        {
            return BookingProblems.IllegalTransition(new IllegalBookingTransitionException(booking.Id, booking.Status, "be refunded by policy"));
        }

        var when = DateTimeOffset.Parse(at!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var quote = calculator.Quote(booking.Price, booking.Start, when, requester);
        return TypedResults.Ok(new RefundQuoteResponse(booking.Id, MoneyPayload.From(quote.Refund), quote.Percent, quote.HoursBeforeStart, booking.PaymentId));
    }

    public static bool TryParseRequester(string? value, out CancellationRequester requester)
    {
        switch (value)
        {
            case "student":
                requester = CancellationRequester.Student;
                return true;
            case "tutor":
                requester = CancellationRequester.Tutor;
                return true;
            default:
                requester = default;
                return false;
        }
    }
}
