using System.Diagnostics.CodeAnalysis;

namespace DaprPlatform.Reviews.Domain;

/// <summary>Why someone flags a review. <see cref="Other"/> needs a note saying what is wrong.</summary>
public enum FlagReason
{
    Spam,
    Offensive,
    OffTopic,
    FalseInformation,
    PersonalInformation,
    Other,
}

public static class FlagReasonNames
{
    private static readonly Dictionary<string, FlagReason> ByWireName = Enum.GetValues<FlagReason>()
        .ToDictionary(ToWireName, r => r, StringComparer.Ordinal);

    /// <summary>The wire names, for error messages: spam, offensive, offTopic, falseInformation, personalInformation, other.</summary>
    public static IReadOnlyCollection<string> WireNames => ByWireName.Keys;

    /// <summary>camelCase of the member name, as every enumerated value on this platform's wire.</summary>
    public static string ToWireName(this FlagReason reason)
    {
        var name = reason.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    /// <summary>Exact (case-sensitive) wire names only, so one reason has one spelling.</summary>
    public static bool TryParseWireName(string? value, [NotNullWhen(true)] out FlagReason? reason)
    {
        if (value is not null && ByWireName.TryGetValue(value, out var parsed))
        {
            reason = parsed;
            return true;
        }

        reason = null;
        return false;
    }
}
