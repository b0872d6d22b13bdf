using System.Globalization;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Tutoring.Features;

/// <summary>
/// Query-string values arrive as strings so a malformed one becomes a field error rather than a binding failure.
/// Each reader returns false after adding a field error.
/// </summary>
public static class QueryValues
{
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(14);

    public static bool TryInstant(string? raw, string field, ValidationErrors errors, out DateTimeOffset? value)
    {
        ArgumentNullException.ThrowIfNull(errors);
        value = null;
        if (string.IsNullOrEmpty(raw))
        {
            return true;
        }

        // An unescaped '+' in a query string arrives as a space ("10:00:00 01:00"); read it as the offset sign it was.
        var text = raw.Length > 19 && raw[^6] == ' ' ? string.Concat(raw.AsSpan(0, raw.Length - 6), "+", raw.AsSpan(raw.Length - 5)) : raw;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            errors.Add(field, $"{field} must be an ISO-8601 date and time, e.g. 2026-11-23T09:00:00Z.");
            return false;
        }

        value = parsed;
        return true;
    }

    public static bool TryLong(string? raw, string field, long min, long max, ValidationErrors errors, out long? value)
    {
        ArgumentNullException.ThrowIfNull(errors);
        value = null;
        if (string.IsNullOrEmpty(raw))
        {
            return true;
        }

        if (!long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < min || parsed > max)
        {
            errors.Add(field, $"{field} must be a whole number from {min} to {max}.");
            return false;
        }

        value = parsed;
        return true;
    }

    /// <summary>A number from <paramref name="min"/> to <paramref name="max"/> with at most one decimal (<c>4</c>, <c>4.5</c>).</summary>
    public static bool TryTenths(string? raw, string field, decimal min, decimal max, ValidationErrors errors, out decimal? value)
    {
        ArgumentNullException.ThrowIfNull(errors);
        value = null;
        if (string.IsNullOrEmpty(raw))
        {
            return true;
        }

        if (!decimal.TryParse(raw, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed)
            || parsed < min || parsed > max || decimal.Round(parsed, 1) != parsed)
        {
            errors.Add(field, $"{field} must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)} with at most one decimal, e.g. 4.5.");
            return false;
        }

        value = parsed;
        return true;
    }

    /// <summary>Checks a [from, to) window: from before to and at most 14 days long.</summary>
    public static void CheckWindow(DateTimeOffset from, DateTimeOffset to, string fromField, string toField, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (to <= from)
        {
            errors.Add(toField, $"{toField} must be after {fromField}.");
        }
        else if (to - from > MaxWindow)
        {
            errors.Add(toField, $"The window from {fromField} to {toField} may be at most {MaxWindow.TotalDays:0} days.");
        }
    }
}
