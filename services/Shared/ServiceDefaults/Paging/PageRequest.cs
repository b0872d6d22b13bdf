using System.Globalization;

namespace DaprPlatform.ServiceDefaults;

/// <summary>A validated 1-based page of a list endpoint (<c>?page=&amp;pageSize=</c>).</summary>
public sealed record PageRequest(int Page, int PageSize)
{
    public const int DefaultPageSize = 20;
    public const int DefaultMaxPageSize = 100;

    /// <summary>Rows before this page; clamped so a huge page number cannot overflow.</summary>
    public int Skip => (int)Math.Min((long)(Page - 1) * PageSize, int.MaxValue);

    /// <summary>
    /// Parses the raw query values (strings, so a non-number becomes a field error rather than a binding failure).
    /// Missing values fall back to page 1 and <paramref name="defaultPageSize"/>; returns null after adding field errors.
    /// </summary>
    public static PageRequest? TryCreate(
        string? page,
        string? pageSize,
        ValidationErrors errors,
        int defaultPageSize = DefaultPageSize,
        int maxPageSize = DefaultMaxPageSize)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var valid = TryParse(page, "page", 1, 1, int.MaxValue, errors, out var pageNumber);
        valid &= TryParse(pageSize, "pageSize", defaultPageSize, 1, maxPageSize, errors, out var size);
        return valid ? new PageRequest(pageNumber, size) : null;
    }

    /// <summary>This page of an already ordered query.</summary>
    public IQueryable<T> Apply<T>(IQueryable<T> ordered) => ordered.Skip(Skip).Take(PageSize);

    private static bool TryParse(string? raw, string field, int fallback, int min, int max, ValidationErrors errors, out int value)
    {
        if (string.IsNullOrEmpty(raw))
        {
            value = fallback;
            return true;
        }

        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out value) || value < min || value > max)
        {
            errors.Add(field, max == int.MaxValue
                ? $"{field} must be a whole number of at least {min}."
                : $"{field} must be a whole number from {min} to {max}.");
            value = fallback;
            return false;
        }

        return true;
    }
}

/// <summary>One page of a list response: <c>{ items, page, pageSize, total }</c>.</summary>
public sealed record PagedResponse<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);
