using Microsoft.AspNetCore.Http.HttpResults;
using DaprPlatform.Booking.Contracts;
using DaprPlatform.Booking.Domain;
using DaprPlatform.Booking.Infrastructure;
using DaprPlatform.Monetary;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Booking.Features;

public sealed record CreateBookingRequest(
    Guid? BookingId,
    string? WorkflowInstanceId,
    Guid? StudentId,
    string? StudentName,
    Guid? TutorId,
    string? TutorName,
    string? Subject,
    DateTimeOffset? Start,
    DateTimeOffset? End,
    MoneyPayload? Price);

/// <summary>
/// POST /internal/bookings — the saga's CreateBooking step: a pending booking with the names and the held price copied
/// in, and <c>booking.requested</c> in the same transaction. A replay of the same step answers 200 with the booking.
/// </summary>
public static class CreateBooking
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder steps) => steps.MapPost("/", HandleAsync);

    public static async Task<Results<Created<BookingResponse>, Ok<BookingResponse>, ValidationProblem, ConflictProblem>> HandleAsync(
        CreateBookingRequest? request,
        BookingDbContext db,
        Outbox<BookingDbContext> outbox,
        TimeProvider time,
        CancellationToken ct)
    {
        if (request is null)
        {
            return ValidationErrors.MissingBody("{bookingId, workflowInstanceId, studentId, studentName, tutorId, tutorName, subject, start, end, price}");
        }

        var errors = new ValidationErrors();
        var snapshot = Validate(request, errors);
        if (snapshot is null)
        {
            return errors.ToProblem();
        }

        if (await ReplayAsync(db, snapshot, ct) is { } replayed)
        {
            return replayed;
        }

        var now = time.GetDatabaseNow();
        var booking = Domain.Booking.Request(snapshot, now);
        db.Bookings.Add(booking);
        outbox.Enqueue(BookingEvent.Requested, BookingEvent.From(booking, now));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // A concurrent replay of this step inserted first.
            db.ChangeTracker.Clear();
            if (await ReplayAsync(db, snapshot, ct) is { } winner)
            {
                return winner;
            }

            throw;
        }

        return TypedResults.Created($"/api/bookings/{booking.Id}", BookingResponse.From(booking));
    }

    private static async Task<Results<Created<BookingResponse>, Ok<BookingResponse>, ValidationProblem, ConflictProblem>?> ReplayAsync(BookingDbContext db, BookingSnapshot snapshot, CancellationToken ct)
    {
        var existing = await db.Bookings.AsNoTracking().SingleOrDefaultAsync(b => b.Id == snapshot.BookingId, ct);
        if (existing is null)
        {
            return null;
        }

        return existing.Matches(snapshot) ? TypedResults.Ok(BookingResponse.From(existing)) : BookingProblems.Mismatch(snapshot.BookingId);
    }

    private static BookingSnapshot? Validate(CreateBookingRequest request, ValidationErrors errors)
    {
        var bookingId = errors.RequireId("bookingId", request.BookingId);
        var instanceId = errors.RequireText("workflowInstanceId", request.WorkflowInstanceId, Domain.Booking.MaxWorkflowInstanceIdLength);
        var studentId = errors.RequireId("studentId", request.StudentId);
        var studentName = errors.RequireText("studentName", request.StudentName, Domain.Booking.MaxNameLength);
        var tutorId = errors.RequireId("tutorId", request.TutorId);
        var tutorName = errors.RequireText("tutorName", request.TutorName, Domain.Booking.MaxNameLength);
        var subject = errors.RequireText("subject", request.Subject, Domain.Booking.MaxSubjectLength);
        var price = errors.ReadMoney(request.Price, "price");
        if (studentId is not null && studentId == tutorId)
        {
            errors.Add("tutorId", "A tutor cannot book themselves.");
        }

        if (request.Start is not { } start)
        {
            errors.Add("start", "start is required.");
        }
        else if (!BookingRules.IsAligned(start))
        {
            errors.Add("start", $"start must be on a {BookingRules.SlotMinutes}-minute boundary.");
        }

        if (request.End is not { } end)
        {
            errors.Add("end", "end is required.");
        }
        else if (request.Start is { } s && !BookingRules.IsValidDuration((int)Math.Clamp((end - s).TotalMinutes, -1, int.MaxValue)))
        {
            errors.Add("end", $"end must be {BookingRules.MinDurationMinutes} to {BookingRules.MaxDurationMinutes} minutes after start, in {BookingRules.SlotMinutes}-minute steps.");
        }

        return errors.IsEmpty
            ? new BookingSnapshot(bookingId!.Value, instanceId!, studentId!.Value, studentName!, tutorId!.Value, tutorName!, subject!,
                request.Start!.Value.ToUniversalTime(), request.End!.Value.ToUniversalTime(), price!.Value)
            : null;
    }
}
