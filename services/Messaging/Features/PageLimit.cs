using System.Globalization;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Messaging.Features;

/// <summary>The <c>limit</c> query parameter of the cursor-paged lists.</summary>
public static class PageLimit
{
    public const int Default = 20;
    public const int Max = 100;

    public static int Read(string? raw, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrEmpty(raw)) { return Default; }
        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= Max) { return limit; }
        errors.Add("limit", $"limit must be a whole number from 1 to {Max}.");
        return Default;
    }
}
