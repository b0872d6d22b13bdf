using Microsoft.AspNetCore.Http.HttpResults;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Tutoring.Domain;
using DaprPlatform.Tutoring.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Tutoring.Features;

/// <summary>
/// GET /api/tutors?subject=&amp;maxRate=&amp;currency=&amp;minRating=&amp;availableFrom=&amp;availableTo=&amp;sort=&amp;page=&amp;pageSize=
/// — the marketplace search (anonymous allowed). Subject, currency, rate and minimum rating filter in the database;
/// "has a free 60-minute slot in the window" is then computed for those candidates. <c>sort=name</c> (the default) orders
/// by display name; <c>sort=rating</c> by average (highest first, unrated last), then review count, then display name.
/// </summary>
public static class SearchTutors
{
    public const int AvailabilityProbeMinutes = 60;
    public const string SortByName = "name";
    public const string SortByRating = "rating";

    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapGet("/", HandleAsync)
            .AllowAnonymous()
            .WithName("SearchTutors");

    public static async Task<Results<Ok<PagedResponse<TutorProfileResponse>>, ValidationProblem>> HandleAsync(
        string? subject,
        string? maxRate,
        string? currency,
        string? minRating,
        string? availableFrom,
        string? availableTo,
        string? sort,
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

        QueryValues.TryTenths(minRating, "minRating", 0m, 5m, errors, out var minAverage);
        var byRating = sort == SortByRating;
        if (sort is not null && sort != SortByName && !byRating)
        {
            errors.Add("sort", $"sort must be {SortByName} or {SortByRating}.");
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

        // Left join: a tutor nobody has reviewed has no rating row.
        var rated = from t in query
                    join r in db.TutorRatings on t.TutorId equals r.TutorId into ratings
                    from r in ratings.DefaultIfEmpty()
                    select new RatedTutor { Tutor = t, Rating = r };
        if (minAverage is { } min && min > 0m)
        {
            // An unrated tutor has no average, so it matches no minimum above 0.
            rated = rated.Where(x => x.Rating != null && x.Rating.Average >= min);
        }

        var ordered = byRating
            ? rated.OrderByDescending(x => x.Rating != null && x.Rating.Average != null)
                .ThenByDescending(x => x.Rating!.Average)
                .ThenByDescending(x => x.Rating!.Count)
                .ThenBy(x => x.Tutor.DisplayName)
                .ThenBy(x => x.Tutor.TutorId)
            : rated.OrderBy(x => x.Tutor.DisplayName).ThenBy(x => x.Tutor.TutorId);
        if (from is null)
        {
            var total = await rated.CountAsync(ct);
            var items = await paging.Apply(ordered).ToListAsync(ct);
            return TypedResults.Ok(new PagedResponse<TutorProfileResponse>(items.Select(RatedTutor.Response).ToList(), paging.Page, paging.PageSize, total));
        }

        var now = time.GetUtcNow();
        var candidates = (await ordered.ToListAsync(ct)).Where(x => !x.Tutor.Availability.IsEmpty).ToList();
        var busy = await SlotOccupancy.BusyAsync(db, candidates.Select(x => x.Tutor.TutorId).ToList(), from.Value, to!.Value, now, ct);
        var available = candidates
            .Where(x => SlotCalculator.FreeSlots(x.Tutor.Availability, x.Tutor.TimeZone, busy[x.Tutor.TutorId].ToList(), from.Value, to.Value, AvailabilityProbeMinutes, now).Count > 0)
            .ToList();
        var pageItems = available.Skip(paging.Skip).Take(paging.PageSize).Select(RatedTutor.Response).ToList();
        return TypedResults.Ok(new PagedResponse<TutorProfileResponse>(pageItems, paging.Page, paging.PageSize, available.Count));
    }

    /// <summary>A search row: the profile and its rating row, if any (a class with init properties, so EF can compose over it).</summary>
    private sealed class RatedTutor
    {
        public required TutorProfile Tutor { get; init; }
        public TutorRating? Rating { get; init; }

        public static TutorProfileResponse Response(RatedTutor row) => TutorProfileResponse.From(row.Tutor, row.Rating);
    }
}
