using Microsoft.AspNetCore.Http.HttpResults;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Tutoring.Domain;
using DaprPlatform.Tutoring.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Tutoring.Features;

public sealed record PlaceHoldRequest(Guid? BookingId, Guid? TutorId, Guid? StudentId, DateTimeOffset? Start, int? DurationMinutes, int? HoldMinutes);

/// <summary>Configuration section "Tutoring".</summary>
public sealed class TutoringOptions
{
    public const string SectionName = "Tutoring";

    /// <summary>How long a hold keeps the slot when the caller does not say (holdMinutes), 1..180.</summary>
    public int HoldMinutes { get; set; } = 20;
}

/// <summary>
/// POST /internal/holds (saga, invocation only) — reserves a slot for a booking while the student pays. Idempotent per
/// bookingId. Exclusivity is the database's: the insert runs after marking this tutor's overlapping timed-out holds
/// expired, in one transaction, and the exclusion constraint refuses any overlap with a live hold (23P01 → 409).
/// </summary>
public static class PlaceHold
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder internalApi) =>
        internalApi.MapPost("/holds", HandleAsync)
            .WithName("PlaceSlotHold");

    public static async Task<Results<Created<HoldResponse>, Ok<HoldResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> HandleAsync(
        PlaceHoldRequest? request, TutoringDbContext db, IOptions<TutoringOptions> options, TimeProvider time, CancellationToken ct)
    {
        var errors = Validate(request, options.Value.HoldMinutes);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var bookingId = request!.BookingId!.Value;
        var tutorId = request.TutorId!.Value;
        var studentId = request.StudentId!.Value;
        var start = request.Start!.Value.ToUniversalTime();
        var duration = request.DurationMinutes!.Value;
        var end = start.AddMinutes(duration);

        var earlier = await db.SlotHolds.AsNoTracking().SingleOrDefaultAsync(h => h.BookingId == bookingId, ct);
        if (earlier is not null)
        {
            return Replay(earlier, tutorId, studentId, start, end, time.GetUtcNow());
        }

        var tutor = await db.Tutors.AsNoTracking().SingleOrDefaultAsync(t => t.TutorId == tutorId, ct);
        if (tutor is null)
        {
            return TutoringProblems.NoProfile(tutorId);
        }

        var now = time.GetUtcNow();
        if (start < now)
        {
            return TutoringProblems.SlotUnavailable($"The slot starting {start:O} is in the past.");
        }

        if (!SlotCalculator.IsOffered(tutor.Availability, tutor.TimeZone, start, duration, now))
        {
            return TutoringProblems.SlotUnavailable($"{start:O} for {duration} minutes is outside {tutor.DisplayName}'s availability.");
        }

        var hold = SlotHold.Place(bookingId, tutor, studentId, start, duration, request.HoldMinutes ?? options.Value.HoldMinutes, now);
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            await SlotOccupancy.ExpireStaleAsync(db, tutorId, hold.Range, now, ct);
            db.SlotHolds.Add(hold);
            try
            {
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            }
            catch (DbUpdateException e) when (SlotOccupancy.IsOverlap(e))
            {
                return TutoringProblems.SlotUnavailable($"{start:O} for {duration} minutes overlaps another hold or booking of this tutor.");
            }
            catch (DbUpdateException e) when (SlotOccupancy.IsDuplicateBooking(e))
            {
                // The same booking was held concurrently (a saga retry racing itself): answer as a replay.
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                var winner = await db.SlotHolds.AsNoTracking().SingleAsync(h => h.BookingId == bookingId, ct);
                return Replay(winner, tutorId, studentId, start, end, now);
            }
        }

        return TypedResults.Created($"/internal/holds/{bookingId}", HoldResponse.From(hold, now));
    }

    private static Results<Created<HoldResponse>, Ok<HoldResponse>, ValidationProblem, NotFoundProblem, ConflictProblem> Replay(SlotHold earlier, Guid tutorId, Guid studentId, DateTimeOffset start, DateTimeOffset end, DateTimeOffset now) =>
        earlier.IsSameSlot(tutorId, studentId, start, end)
            ? TypedResults.Ok(HoldResponse.From(earlier, now))
            : Problems.Conflict($"Booking {earlier.BookingId} already holds a different slot ({earlier.Start:O} to {earlier.End:O} with tutor {earlier.TutorId}).");

    private static ValidationErrors Validate(PlaceHoldRequest? request, int defaultHoldMinutes)
    {
        var errors = new ValidationErrors();
        if (request is null)
        {
            errors.Add("body", "A JSON object with bookingId, tutorId, studentId, start and durationMinutes is required.");
            return errors;
        }

        errors.RequireId("bookingId", request.BookingId);
        errors.RequireId("tutorId", request.TutorId);
        errors.RequireId("studentId", request.StudentId);
        if (request.StudentId is { } student && student != Guid.Empty && student == request.TutorId)
        {
            errors.Add("studentId", "A tutor cannot book a session with themselves.");
        }

        if (request.Start is not { } start)
        {
            errors.Add("start", "start is required.");
        }
        else if (start.UtcTicks % TimeSpan.TicksPerMinute != 0 || start.ToUniversalTime().Minute % WeeklyAvailability.GridMinutes != 0)
        {
            errors.Add("start", $"start must be on a {WeeklyAvailability.GridMinutes}-minute boundary.");
        }

        if (request.DurationMinutes is not { } duration
            || duration < SlotHold.MinDurationMinutes || duration > SlotHold.MaxDurationMinutes || duration % WeeklyAvailability.GridMinutes != 0)
        {
            errors.Add("durationMinutes", $"durationMinutes must be {SlotHold.MinDurationMinutes} to {SlotHold.MaxDurationMinutes}, a multiple of {WeeklyAvailability.GridMinutes}.");
        }

        var holdMinutes = request.HoldMinutes ?? defaultHoldMinutes;
        if (holdMinutes is < SlotHold.MinHoldMinutes or > SlotHold.MaxHoldMinutes)
        {
            errors.Add("holdMinutes", $"holdMinutes must be {SlotHold.MinHoldMinutes} to {SlotHold.MaxHoldMinutes}.");
        }

        return errors;
    }
}
