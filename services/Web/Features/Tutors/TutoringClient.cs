using System.Globalization;
using DaprPlatform.Web.Infrastructure.Services;

namespace DaprPlatform.Web.Features.Tutors;

/// <summary>An amount in minor units of a currency, as the services write money.</summary>
public sealed record MoneyAmount(long Amount, string Currency);

/// <summary>A tutor's public profile (<c>GET /api/tutors/{id}</c>).</summary>
public sealed record TutorProfile(Guid TutorId, string DisplayName, string Bio, IReadOnlyList<string> Subjects, MoneyAmount HourlyRate, string Timezone);

/// <summary>A page of a list the services answer (<c>items</c>, <c>page</c>, <c>pageSize</c>, <c>total</c>).</summary>
public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

/// <summary>A free slot, in UTC.</summary>
public sealed record Slot(DateTimeOffset Start, DateTimeOffset End);

public sealed record TutorSlots(Guid TutorId, int DurationMinutes, IReadOnlyList<Slot> Slots);

/// <summary>What a student searches by; the window is already in UTC (the page converts from the student's zone).</summary>
public sealed record TutorSearch(string? Subject, long? MaxRateMinorUnits, string? Currency, DateTimeOffset? AvailableFrom, DateTimeOffset? AvailableTo, int Page = 1);

/// <summary>The tutoring service's public reads (anonymous allowed): search, a profile, its free slots.</summary>
public sealed class TutoringClient(ServiceCalls services)
{
    public const string AppId = "tutoring";
    public const int PageSize = 20;

    public Task<ApiResult<Paged<TutorProfile>>> SearchAsync(TutorSearch search, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(search);
        var query = new List<string> { $"page={search.Page}", $"pageSize={PageSize}" };
        Add(query, "subject", search.Subject);
        Add(query, "maxRate", search.MaxRateMinorUnits?.ToString(CultureInfo.InvariantCulture));
        Add(query, "currency", search.Currency);
        Add(query, "availableFrom", search.AvailableFrom?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        Add(query, "availableTo", search.AvailableTo?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        return services.GetAsync<Paged<TutorProfile>>(AppId, "api/tutors?" + string.Join('&', query), ct);
    }

    public Task<ApiResult<TutorProfile>> GetAsync(Guid tutorId, CancellationToken ct) =>
        services.GetAsync<TutorProfile>(AppId, $"api/tutors/{tutorId}", ct);

    public Task<ApiResult<TutorSlots>> GetSlotsAsync(Guid tutorId, DateTimeOffset from, DateTimeOffset to, int durationMinutes, CancellationToken ct)
    {
        var path = string.Create(CultureInfo.InvariantCulture,
            $"api/tutors/{tutorId}/slots?from={Uri.EscapeDataString(from.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(to.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))}&durationMinutes={durationMinutes}");
        return services.GetAsync<TutorSlots>(AppId, path, ct);
    }

    private static void Add(List<string> query, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            query.Add($"{name}={Uri.EscapeDataString(value.Trim())}");
        }
    }
}
