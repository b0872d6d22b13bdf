using Microsoft.AspNetCore.Http.HttpResults;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Tutoring.Domain;
using DaprPlatform.Tutoring.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Tutoring.Features;

/// <summary>
/// GET /api/tutors?subject=&amp;maxRate=&amp;currency=&amp;availableFrom=&amp;availableTo=&amp;page=&amp;pageSize= — the
/// marketplace search (anonymous allowed), ordered by display name. Subject, currency and rate filter in the database;
/// "has a free 60-minute slot in the window" is then computed for those candidates.
/// </summary>
public static class SearchTutors
{
    public const int AvailabilityProbeMinutes = 60;

    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapGet("/", HandleAsync)
            .AllowAnonymous()
            .WithName("SearchTutors");

    public static async Task<Results<Ok<PagedResponse<TutorProfileResponse>>, ValidationProblem>> HandleAsync(
        string? subject,
        string? maxRate,
        string? currency,
        string? availableFrom,
        string? availableTo,
        string? page,
        string? pageSize,
        TutoringDbContext db,
        TimeProvider time,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var paging = PageRequest.TryCreate(page, pageSize, errors);
        var normalizedSubject = subject?.Trim().ToLowerInvariant();
        if (subject is not null && (normalizedSubject!.Length == 0 || normalizedSubject.Length > TutorProfileRules.MaxSubjectLength))
        {
            errors.Add("subject", $"subject must be 1 to {TutorProfileRules.MaxSubjectLength} characters.");
        }

        Monetary.Currency? rateCurrency = null;
        if (!string.IsNullOrEmpty(currency) && !Monetary.Currency.TryParse(currency, out rateCurrency))
        {
            errors.Add("currency", "currency must be a supported ISO 4217 code such as USD, EUR or JPY.");
        }

        if (QueryValues.TryLong(maxRate, "maxRate", 0, long.MaxValue, errors, out var maxMinorUnits)
            && maxMinorUnits is not null && string.IsNullOrEmpty(currency))
        {
            errors.Add("currency", "maxRate is in minor units of a currency; give currency too.");
        }

        var windowValid = QueryValues.TryInstant(availableFrom, "availableFrom", errors, out var from);
        windowValid &= QueryValues.TryInstant(availableTo, "availableTo", errors, out var to);
        if (windowValid && (from is null) != (to is null))
        {
            errors.Add(from is null ? "availableFrom" : "availableTo", "availableFrom and availableTo go together.");
        }
        else if (windowValid && from is not null)
        {
            QueryValues.CheckWindow(from.Value, to!.Value, "availableFrom", "availableTo", errors);
        }

        if (!errors.IsEmpty || paging is null)
        {
            return errors.ToProblem();
        }

        var query = db.Tutors.AsNoTracking();
        if (normalizedSubject is not null)
        {
            query = query.Where(t => t.Subjects.Contains(normalizedSubject));
        }

        if (rateCurrency is not null)
        {
            var code = rateCurrency.Code;
            query = query.Where(t => t.RateCurrency == code);
        }

        if (maxMinorUnits is { } max)
        {
            query = query.Where(t => t.RateMinorUnits <= max);
        }

        var ordered = query.OrderBy(t => t.DisplayName).ThenBy(t => t.TutorId);
        if (from is null)
        {
            var total = await query.CountAsync(ct);
            var items = await paging.Apply(ordered).ToListAsync(ct);
            return TypedResults.Ok(new PagedResponse<TutorProfileResponse>(items.Select(TutorProfileResponse.From).ToList(), paging.Page, paging.PageSize, total));
        }

        var now = time.GetUtcNow();
        var candidates = (await ordered.ToListAsync(ct)).Where(t => !t.Availability.IsEmpty).ToList();
        var busy = await SlotOccupancy.BusyAsync(db, candidates.Select(t => t.TutorId).ToList(), from.Value, to!.Value, now, ct);
        var available = candidates
            .Where(t => SlotCalculator.FreeSlots(t.Availability, t.TimeZone, busy[t.TutorId].ToList(), from.Value, to.Value, AvailabilityProbeMinutes, now).Count > 0)
            .ToList();
        var pageItems = available.Skip(paging.Skip).Take(paging.PageSize).Select(TutorProfileResponse.From).ToList();
        return TypedResults.Ok(new PagedResponse<TutorProfileResponse>(pageItems, paging.Page, paging.PageSize, available.Count));
    }
}
