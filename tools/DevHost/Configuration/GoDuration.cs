using System.Globalization;
using System.Text.RegularExpressions;

namespace DaprPlatform.DevHost.Configuration;

/// <summary>Parses Go duration strings ("5s", "1m30s", "250ms") as used in Dapr resource files.</summary>
public static partial class GoDuration
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text)) { return false; }
        text = text.Trim();
        if (text == "0") { return true; }
        var matches = Part().Matches(text);
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != text) { return false; }
        double ms = 0;
        foreach (Match m in matches)
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            ms += m.Groups[2].Value switch
            {
                "ns" => n / 1_000_000,
                "us" or "µs" => n / 1000,
                "ms" => n,
                "s" => n * 1000,
                "m" => n * 60_000,
                _ => n * 3_600_000,
            };
        }

        value = TimeSpan.FromMilliseconds(ms);
        return true;
    }

    public static TimeSpan Parse(string? text, string where)
        => TryParse(text, out var v) ? v : throw new DevHostConfigurationException($"{where}: '{text}' is not a duration (use Go syntax such as 5s, 250ms, 1m).");

    /// <summary>Go's Duration.String: "500ms", "5s", "1m30s", "1h0m0s" (what daprd prints, e.g. in its metadata).</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero) { return "0s"; }
        if (value < TimeSpan.FromSeconds(1))
        {
            return value.TotalMilliseconds.ToString("0.######", CultureInfo.InvariantCulture) + "ms";
        }

        var seconds = (value.TotalSeconds % 60).ToString("0.#########", CultureInfo.InvariantCulture) + "s";
        var hours = (long)value.TotalHours;
        return hours > 0 ? $"{hours}h{value.Minutes}m{seconds}" : value.Minutes > 0 ? $"{value.Minutes}m{seconds}" : seconds;
    }

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")]
    private static partial Regex Part();
}
