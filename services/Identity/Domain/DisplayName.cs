namespace DaprPlatform.Identity.Domain;

public static class DisplayName
{
    public const int MaxLength = 100;

    /// <summary>Trims; 1–100 characters, no control characters (they break notification templates and logs).</summary>
    public static bool TryNormalize(string? raw, out string value, out string? error)
    {
        value = raw?.Trim() ?? string.Empty;
        error = value.Length switch
        {
            0 => "Display name is required.",
            > MaxLength => $"Display name must be at most {MaxLength} characters.",
            _ when value.Any(char.IsControl) => "Display name must not contain control characters.",
            _ => null,
        };
        return error is null;
    }
}
