using Microsoft.AspNetCore.Http.HttpResults;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Tutoring.Domain;
using DaprPlatform.Tutoring.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Tutoring.Features;

public sealed record SlotResponse(DateTimeOffset Start, DateTimeOffset End);

public sealed record SlotsResponse(Guid TutorId, int DurationMinutes, IReadOnlyList<SlotResponse> Slots);

/// <summary>
/// GET /api/tutors/{id}/slots?from=&amp;to=&amp;durationMinutes= — free slots (anonymous allowed). Defaults: from now, for
/// 7 days, 60 minutes. Starts every 15 minutes inside the rules, minus live holds and bookings, never in the past.
/// </summary>
public static class GetSlots
{
    public const int DefaultDurationMinutes = 60;
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(7);

    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapGet("/{id:guid}/slots", HandleAsync)
            .AllowAnonymous()
            .WithName("GetTutorSlots");

    public static async Task<Results<Ok<SlotsResponse>, ValidationProblem, NotFoundProblem>> HandleAsync(Guid id, string? from, string? to, string? durationMinutes, TutoringDbContext db, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var errors = new ValidationErrors();
        var valid = QueryValues.TryInstant(from, "from", errors, out var fromValue);
        valid &= QueryValues.TryInstant(to, "to", errors, out var toValue);
        valid &= QueryValues.TryLong(durationMinutes, "durationMinutes", SlotHold.MinDurationMinutes, SlotHold.MaxDurationMinutes, errors, out var duration);
        var minutes = (int)(duration ?? DefaultDurationMinutes);
        if (valid && minutes % WeeklyAvailability.GridMinutes != 0)
        {
            errors.Add("durationMinutes", $"durationMinutes must be a multiple of {WeeklyAvailability.GridMinutes}.");
        }

        var windowStart = fromValue ?? now;
        var windowEnd = toValue ?? windowStart + DefaultWindow;
        if (valid)
        {
            QueryValues.CheckWindow(windowStart, windowEnd, "from", "to", errors);
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var profile = await db.Tutors.AsNoTracking().SingleOrDefaultAsync(t => t.TutorId == id, ct);
        if (profile is null)
        {
            return TutoringProblems.NoProfile(id);
        }

        var busy = await SlotOccupancy.BusyAsync(db, [id], windowStart, windowEnd, now, ct);
        var slots = SlotCalculator.FreeSlots(profile.Availability, profile.TimeZone, busy[id].ToList(), windowStart, windowEnd, minutes, now);
        return TypedResults.Ok(new SlotsResponse(id, minutes, slots.Select(s => new SlotResponse(s.Start, s.End)).ToList()));
    }
}
