using DaprPlatform.Monetary;

namespace DaprPlatform.Tutoring.Domain;

/// <summary>A tutor's marketplace profile; its id is the tutor's user id.</summary>
public sealed class TutorProfile
{
    private TutorProfile()
    {
        DisplayName = string.Empty;
        Bio = string.Empty;
        Subjects = [];
        RateCurrency = string.Empty;
        TimeZoneId = string.Empty;
        Availability = WeeklyAvailability.Empty;
    }

    public Guid TutorId { get; private set; }
    public string DisplayName { get; private set; }
    public string Bio { get; private set; }

    /// <summary>Normalised (trimmed, lower case), distinct; search matches them exactly.</summary>
    public List<string> Subjects { get; private set; }

    public long RateMinorUnits { get; private set; }
    public string RateCurrency { get; private set; }
    public string TimeZoneId { get; private set; }
    public WeeklyAvailability Availability { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public Money HourlyRate => new(RateMinorUnits, Currency.Parse(RateCurrency));

    public TimeZoneInfo TimeZone => TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId);

    public static TutorProfile Create(
        Guid tutorId, string displayName, string bio, IReadOnlyList<string> subjects, Money hourlyRate, TimeZoneInfo zone, WeeklyAvailability availability, DateTimeOffset now)
    {
        if (tutorId == Guid.Empty)
        {
            throw new ArgumentException("A profile needs the tutor's user id.", nameof(tutorId));
        }

        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(availability);
        var at = Instants.ToStoragePrecision(now);
        var profile = new TutorProfile { TutorId = tutorId, CreatedAt = at, UpdatedAt = at, Availability = availability, TimeZoneId = zone.Id };
        profile.Rename(displayName, at);
        profile.Describe(bio, at);
        profile.Teach(subjects, at);
        profile.Price(hourlyRate, at);
        return profile;
    }

    public void Rename(string displayName, DateTimeOffset now)
    {
        DisplayName = TutorProfileRules.CheckDisplayName(displayName, out var error) ?? throw new ArgumentException(error, nameof(displayName));
        Touch(now);
    }

    public void Describe(string bio, DateTimeOffset now)
    {
        Bio = TutorProfileRules.CheckBio(bio, out var error) ?? throw new ArgumentException(error, nameof(bio));
        Touch(now);
    }

    public void Teach(IReadOnlyList<string> subjects, DateTimeOffset now)
    {
        Subjects = TutorProfileRules.CheckSubjects(subjects, "subjects", []) ?? throw new ArgumentException("Invalid subjects.", nameof(subjects));
        Touch(now);
    }

    /// <summary>Changes the rate for future holds only: a hold keeps the price it was quoted.</summary>
    public void Price(Money hourlyRate, DateTimeOffset now)
    {
        if (TutorProfileRules.CheckRate(hourlyRate) is { } error)
        {
            throw new ArgumentException(error, nameof(hourlyRate));
        }

        RateMinorUnits = hourlyRate.MinorUnits;
        RateCurrency = hourlyRate.Currency.Code;
        Touch(now);
    }

    public void MoveTo(TimeZoneInfo zone, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(zone);
        TimeZoneId = zone.Id;
        Touch(now);
    }

    public void SetAvailability(WeeklyAvailability availability, DateTimeOffset now)
    {
        Availability = availability ?? throw new ArgumentNullException(nameof(availability));
        Touch(now);
    }

    /// <summary>What a session of <paramref name="minutes"/> costs at the current rate, rounded half away from zero.</summary>
    public Money PriceFor(int minutes) => HourlyRate.Multiply(minutes, 60);

    private void Touch(DateTimeOffset now) => UpdatedAt = Instants.ToStoragePrecision(now);
}

/// <summary>Validation of profile fields; each check returns the normalised value or null with a message.</summary>
public static class TutorProfileRules
{
    public const int MaxDisplayNameLength = 100;
    public const int MaxBioLength = 2000;
    public const int MaxSubjects = 10;
    public const int MaxSubjectLength = 40;
    public const int MaxTimeZoneIdLength = 64;

    /// <summary>
    /// Stripe charges at most 99,999,999 minor units at once; a 4-hour session (the longest) at this rate stays below it.
    /// </summary>
    public const long MaxHourlyRateMinorUnits = 24_999_999;

    public static string? CheckDisplayName(string? value, out string? error)
    {
        var trimmed = value?.Trim();
        error = string.IsNullOrEmpty(trimmed) ? "displayName must not be empty."
            : trimmed.Length > MaxDisplayNameLength ? $"displayName must be at most {MaxDisplayNameLength} characters."
            : null;
        return error is null ? trimmed : null;
    }

    public static string? CheckBio(string? value, out string? error)
    {
        var trimmed = value?.Trim();
        error = trimmed is null ? "bio is required (it may be empty)."
            : trimmed.Length > MaxBioLength ? $"bio must be at most {MaxBioLength} characters."
            : null;
        return error is null ? trimmed : null;
    }

    /// <summary>Trimmed, lower-cased (invariant) and de-duplicated; null after adding field errors to <paramref name="errors"/>.</summary>
    public static List<string>? CheckSubjects(IReadOnlyList<string?>? values, string field, List<(string Field, string Message)> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (values is null || values.Count == 0)
        {
            errors.Add((field, $"Give 1 to {MaxSubjects} subjects."));
            return null;
        }

        if (values.Count > MaxSubjects)
        {
            errors.Add((field, $"At most {MaxSubjects} subjects are allowed; got {values.Count}."));
            return null;
        }

        var subjects = new List<string>();
        var before = errors.Count;
        for (var i = 0; i < values.Count; i++)
        {
            var subject = values[i]?.Trim().ToLowerInvariant();
            if (string.IsNullOrEmpty(subject) || subject.Length > MaxSubjectLength)
            {
                errors.Add(($"{field}[{i}]", $"A subject is 1 to {MaxSubjectLength} characters."));
            }
            else if (!subjects.Contains(subject, StringComparer.Ordinal))
            {
                subjects.Add(subject);
            }
        }

        return errors.Count == before ? subjects : null;
    }

    public static string? CheckRate(Money rate) =>
        rate.MinorUnits <= 0 ? "The hourly rate must be more than zero."
        : rate.MinorUnits > MaxHourlyRateMinorUnits ? $"The hourly rate must be at most {MaxHourlyRateMinorUnits} minor units."
        : null;

    /// <summary>An IANA id this machine's tz database knows (Windows ids are not accepted).</summary>
    public static TimeZoneInfo? CheckTimeZone(string? id, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(id) || id.Length > MaxTimeZoneIdLength
            || !TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) || !zone.HasIanaId)
        {
            error = "timezone must be an IANA time zone id such as Europe/Berlin or America/New_York.";
            return null;
        }

        return zone;
    }
}

public static class Instants
{
    /// <summary>PostgreSQL keeps microseconds; rounding first makes the row, the response and a replay agree exactly.</summary>
    public static DateTimeOffset ToStoragePrecision(DateTimeOffset value) =>
        new DateTimeOffset(value.Ticks - (value.Ticks % 10), value.Offset).ToUniversalTime();
}
