namespace DaprPlatform.Identity.Domain;

/// <summary>An email address as entered (trimmed) plus the form used for uniqueness and look-ups.</summary>
public sealed record EmailAddress
{
    /// <summary>RFC 5321 limits a forward path to 254 characters and a local part to 64.</summary>
    public const int MaxLength = 254;
    public const int MaxLocalPartLength = 64;

    private EmailAddress(string value)
    {
        Value = value;
        Normalized = value.ToLowerInvariant();
    }

    public string Value { get; }

    /// <summary>Lower-cased: two addresses differing only in case belong to one account.</summary>
    public string Normalized { get; }

    public static string Normalize(string raw) => raw.Trim().ToLowerInvariant();

    public static bool TryCreate(string? raw, out EmailAddress? email, out string? error)
    {
        email = null;
        var value = raw?.Trim() ?? string.Empty;
        error = Validate(value);
        if (error is not null)
        {
            return false;
        }

        email = new EmailAddress(value);
        return true;
    }

    // Deliberately a shape check, not full RFC 5322 parsing: quoted local parts, comments and IP literals are
    // not accepted because nobody registers with them and each one widens what downstream senders must handle.
    private static string? Validate(string value)
    {
        if (value.Length == 0)
        {
            return "Email is required.";
        }

        if (value.Length > MaxLength)
        {
            return $"Email must be at most {MaxLength} characters.";
        }

        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != value.LastIndexOf('@') || at == value.Length - 1)
        {
            return "Email must look like name@example.com.";
        }

        var local = value[..at];
        var domain = value[(at + 1)..];
        if (local.Length > MaxLocalPartLength)
        {
            return $"The part before '@' must be at most {MaxLocalPartLength} characters.";
        }

        if (!local.All(IsLocalPartChar) || local.StartsWith('.') || local.EndsWith('.') || local.Contains("..", StringComparison.Ordinal))
        {
            return "Email must look like name@example.com.";
        }

        var labels = domain.Split('.');
        if (labels.Length < 2 || labels.Any(l => !IsDomainLabel(l)))
        {
            return "Email must look like name@example.com.";
        }

        return null;
    }

    private static bool IsLocalPartChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~.".Contains(c, StringComparison.Ordinal);

    private static bool IsDomainLabel(string label) =>
        label.Length is >= 1 and <= 63
        && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
        && label[0] != '-'
        && label[^1] != '-';
}
