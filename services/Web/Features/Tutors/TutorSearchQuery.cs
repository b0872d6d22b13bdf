using System.Globalization;
using DaprPlatform.Monetary;
using DaprPlatform.Web.Infrastructure.Services;

namespace DaprPlatform.Web.Features.Tutors;

/// <summary>
/// The tutor search as it sits in the URL (<c>/tutors?subject=&amp;maxRate=&amp;currency=&amp;from=&amp;to=&amp;page=</c>):
/// the price in major units of the currency ("40" or "40.50"), the window as UTC instants so a shared link means the same
/// hours to everyone. A value the URL cannot mean becomes a field error, as the service's would.
/// </summary>
public sealed record TutorSearchQuery(string? Subject, decimal? MaxRate, string? Currency, DateTimeOffset? From, DateTimeOffset? To, int Page)
{
    public ApiProblem? Problem { get; init; }

    public bool HasFilters => !string.IsNullOrWhiteSpace(Subject) || MaxRate is not null || From is not null || To is not null;

    public static TutorSearchQuery Parse(string? subject, string? maxRate, string? currency, string? from, string? to, int? page)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        decimal? rate = null;
        if (!string.IsNullOrWhiteSpace(maxRate))
        {
            if (decimal.TryParse(maxRate, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed) && parsed >= 0)
            {
                rate = parsed;
            }
            else
            {
                errors["maxRate"] = ["The max price must be a number of at least 0."];
            }
        }

        return new TutorSearchQuery(
            string.IsNullOrWhiteSpace(subject) ? null : subject.Trim(),
            rate,
            string.IsNullOrWhiteSpace(currency) ? "USD" : currency.Trim().ToUpperInvariant(),
            ReadInstant(from, "availableFrom", errors),
            ReadInstant(to, "availableTo", errors),
            page is > 0 ? page.Value : 1)
        {
            Problem = errors.Count == 0 ? null : new ApiProblem(400, "Please check the search", null, errors),
        };
    }

    /// <summary>What tutoring's search takes: the price in minor units (a fraction of a minor unit is a field error there too).</summary>
    public TutorSearch ToSearch()
    {
        long? minor = null;
        if (MaxRate is { } rate && DaprPlatform.Monetary.Currency.TryParse(Currency, out var currency))
        {
            minor = (long)decimal.Floor(rate * currency.MinorUnitsPerMajorUnit);
        }

        return new TutorSearch(Subject, minor, MaxRate is null ? null : Currency, From, To, Page);
    }

    public string ToQueryString()
    {
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(Subject)) { parts.Add("subject=" + Uri.EscapeDataString(Subject.Trim())); }
        if (MaxRate is { } rate)
        {
            parts.Add("maxRate=" + rate.ToString(CultureInfo.InvariantCulture));
            parts.Add("currency=" + Uri.EscapeDataString(Currency ?? "USD"));
        }

        if (From is { } from) { parts.Add("from=" + Uri.EscapeDataString(Instant(from))); }
        if (To is { } to) { parts.Add("to=" + Uri.EscapeDataString(Instant(to))); }
        if (Page > 1) { parts.Add("page=" + Page.ToString(CultureInfo.InvariantCulture)); }
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    public static string Instant(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset? ReadInstant(string? raw, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }

        errors[field] = ["This is not a date and time."];
        return null;
    }
}
