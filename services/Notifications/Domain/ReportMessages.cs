using System.Globalization;
using DaprPlatform.Notifications.Contracts;

namespace DaprPlatform.Notifications.Domain;

/// <summary>What a channel owner is told when an export of theirs ended: ready (with the link to it) or failed (with why).</summary>
public static class ReportMessages
{
    public const string ExportReadyKind = "report-ready";
    public const string ExportFailedKind = "report-failed";

    /// <summary>
    /// The notice, with a link to the export's page of the web app under <paramref name="webBaseUrl"/> (the owner downloads
    /// or shares it there); none for an event that names no export or an ending it does not know.
    /// </summary>
    public static IReadOnlyList<PartyMessage> Exported(ReportExported exported, Uri webBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(exported);
        ArgumentNullException.ThrowIfNull(webBaseUrl);
        if (exported.ExportId == Guid.Empty)
        {
            return [];
        }

        var format = string.IsNullOrWhiteSpace(exported.Format) ? "report" : exported.Format.Trim().ToUpperInvariant();
        var channel = string.IsNullOrWhiteSpace(exported.ChannelTitle) ? "your channel" : exported.ChannelTitle.Trim();
        var what = $"Your {format} export of {channel} for {Period(exported.PeriodFrom, exported.PeriodTo)}";
        var link = new Uri(webBaseUrl, $"/reports/exports/{exported.ExportId}");
        return exported.Status switch
        {
            "completed" => [new(exported.OwnerId, ExportReadyKind, $"{format} export ready: {channel}",
                $"{what} is ready{Size(exported.SizeBytes)}. Download or share it: {link}")],
            "failed" => [new(exported.OwnerId, ExportFailedKind, $"{format} export failed: {channel}",
                $"{what} failed: {Reason(exported.FailureReason)} It does not count against your monthly exports. Details: {link}")],
            _ => [],
        };
    }

    /// <summary>
    /// [from, to) in UTC as the owner picked it: whole days as "1 Nov 2026 – 30 Nov 2026" (the last day shown is the one
    /// before <paramref name="to"/>), anything else with its hours.
    /// </summary>
    public static string Period(DateTimeOffset from, DateTimeOffset to)
    {
        var (start, end) = (from.UtcDateTime, to.UtcDateTime);
        if (start.TimeOfDay == TimeSpan.Zero && end.TimeOfDay == TimeSpan.Zero && end > start)
        {
            var last = end.AddDays(-1);
            return last == start ? Day(start) : $"{Day(start)} – {Day(last)}";
        }

        return string.Create(CultureInfo.InvariantCulture, $"{start:d MMM yyyy HH:mm} – {end:d MMM yyyy HH:mm} UTC");
    }

    private static string Day(DateTime day) => day.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    private static string Reason(string? reason)
    {
        var text = string.IsNullOrWhiteSpace(reason) ? "the export could not be made" : reason.Trim();
        return text.EndsWith('.') ? text : text + ".";
    }

    private static string Size(long? bytes) => bytes switch
    {
        null or < 0 => string.Empty,
        < 1024 => string.Create(CultureInfo.InvariantCulture, $" ({bytes} bytes)"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $" ({bytes / 1024.0:0.#} KB)"),
        _ => string.Create(CultureInfo.InvariantCulture, $" ({bytes / (1024.0 * 1024):0.#} MB)"),
    };
}
