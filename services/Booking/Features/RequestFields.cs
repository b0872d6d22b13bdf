using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Booking.Features;

/// <summary>Field checks the booking endpoints share; each adds a field error and returns null/false when a value is unusable.</summary>
public static class RequestFields
{
    public static string? RequireText(ValidationErrors errors, string field, string? value, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            errors.Add(field, $"{field} is required.");
            return null;
        }

        if (trimmed.Length > maxLength)
        {
            errors.Add(field, $"{field} must be at most {maxLength} characters.");
            return null;
        }

        return trimmed;
    }

    /// <summary>Absent or blank is fine (null); too long is an error.</summary>
    public static string? OptionalText(ValidationErrors errors, string field, string? value, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        if (trimmed.Length > maxLength)
        {
            errors.Add(field, $"{field} must be at most {maxLength} characters.");
        }

        return trimmed;
    }

    public static Guid? RequireId(ValidationErrors errors, string field, Guid? value)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is null || value == Guid.Empty)
        {
            errors.Add(field, $"{field} is required (a non-empty id).");
            return null;
        }

        return value;
    }

    public static IResult MissingBody(string shape)
    {
        var errors = new ValidationErrors();
        errors.Add("body", $"A JSON object is required: {shape}.");
        return errors.ToProblem();
    }
}
